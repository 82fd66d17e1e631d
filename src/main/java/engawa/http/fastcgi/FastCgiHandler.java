package engawa.http.fastcgi;

import engawa.config.RouteConfig;
import engawa.config.UpstreamConfig;
import engawa.http.HttpExchange;
import engawa.http.HttpHandler;
import engawa.http.statics.StaticFileHandler;
import engawa.snapshot.CompileContext;
import engawa.upstream.UpstreamPool;
import java.util.List;

/**
 * {@code fastcgi: {upstream, root, index}}: runs the PHP scripts under {@code root} through a FastCGI
 * pool (PHP-FPM) and serves the route's other files itself, as nginx in front of PHP-FPM does. Which
 * path is which is {@link ScriptLocator}'s job (404 for a missing script without asking PHP-FPM, 403
 * outside the root); one request's exchange with PHP-FPM is {@link FastCgiExchange}'s.
 *
 * <p>Compiled once per route and snapshot; immutable; runs on the client connection's event loop.
 */
public final class FastCgiHandler implements HttpHandler {
    private final UpstreamPool pool;
    private final ScriptLocator locator;
    private final String documentRoot;
    private final HttpHandler files;
    private final boolean basicAuth;
    private final StderrLog stderr;

    FastCgiHandler(UpstreamPool pool, ScriptLocator locator, HttpHandler files, boolean basicAuth) {
        this.pool = pool;
        this.locator = locator;
        this.documentRoot = locator.root().toString();
        this.files = files;
        this.basicAuth = basicAuth;
        this.stderr = new StderrLog(pool.name());
    }

    /** The handler of a validated fastcgi route ({@code at} names the route in problems). */
    public static HttpHandler create(CompileContext ctx, String at, RouteConfig rc, RouteConfig.FastCgi config) {
        UpstreamPool pool = ctx.upstreams().pool(config.upstream());
        if (pool == null || pool.config().protocol() != UpstreamConfig.Protocol.FASTCGI) {
            // The validator has reported it already; this revision will not be served.
            return ex -> ex.sendError(502);
        }
        String index = config.index();
        if (index.isEmpty() || index.contains("/") || index.equals(".") || index.equals("..")) {
            ctx.problems().error(at + ".fastcgi.index", "\"" + index + "\" is not a file name");
        }
        ScriptLocator locator = new ScriptLocator(config.root(), rc.path(), index);
        String staticIndex = locator.staticIndex();
        HttpHandler files = StaticFileHandler.create(ctx, at + ".fastcgi", rc.path(), new RouteConfig.Static(
                config.root(), staticIndex == null ? List.of() : List.of(staticIndex), List.of(), null));
        return new FastCgiHandler(pool, locator, files, rc.access().usersFile() != null);
    }

    UpstreamPool pool() {
        return pool;
    }

    String documentRoot() {
        return documentRoot;
    }

    boolean basicAuth() {
        return basicAuth;
    }

    StderrLog stderr() {
        return stderr;
    }

    @Override
    public void handle(HttpExchange ex) {
        switch (locator.locate(ex.path())) {
            case ScriptLocator.Script s -> new FastCgiExchange(this, ex, s).start();
            case ScriptLocator.Other o -> {
                switch (o) {
                    case STATIC -> files.handle(ex);
                    case NOT_FOUND -> ex.sendError(404);
                    case FORBIDDEN -> ex.sendError(403);
                }
            }
        }
    }
}
