package engawa.http.proxy;

import engawa.config.RouteConfig;
import engawa.http.HttpExchange;
import engawa.http.HttpHandler;
import engawa.snapshot.CompileContext;
import engawa.upstream.UpstreamPool;

/**
 * {@code proxy: {upstream, strip_prefix}}: forwards each request of a route to a server of an HTTP upstream
 * pool and streams the answer back (see {@link ProxyExchange} for the rules of one exchange). Compiled
 * once per snapshot; immutable; runs on the client connection's event loop.
 */
public final class ProxyHandler implements HttpHandler {
    private final UpstreamPool pool;
    private final String prefix;
    private final boolean stripPrefix;

    ProxyHandler(UpstreamPool pool, String prefix, boolean stripPrefix) {
        this.pool = pool;
        this.prefix = prefix;
        this.stripPrefix = stripPrefix;
    }

    /** The handler of a validated proxy route ({@code at} names it in problems). */
    public static HttpHandler create(CompileContext ctx, String at, RouteConfig rc, RouteConfig.Proxy proxy) {
        UpstreamPool pool = ctx.upstreams().pool(proxy.upstream());
        if (pool == null) {
            ctx.problems().error(at + ".proxy", "no upstream named \"" + proxy.upstream() + "\"");
            return ex -> ex.sendError(502);
        }
        return new ProxyHandler(pool, rc.path(), proxy.stripPrefix());
    }

    UpstreamPool pool() {
        return pool;
    }

    String prefix() {
        return prefix;
    }

    boolean stripPrefix() {
        return stripPrefix;
    }

    @Override
    public void handle(HttpExchange exchange) {
        new ProxyExchange(this, exchange).start();
    }
}
