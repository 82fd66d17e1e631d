package engawa.tunnel;

import engawa.http.ErrorResponses;
import engawa.http.HttpExchange;
import engawa.http.HttpHandler;
import engawa.http.RequestPath;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.Locale;

/**
 * The handler of the tunnel domain's synthetic site: NAME.domain goes to tunnel NAME in the live registry
 * (404 when there is none), through its client's guards (403 outside its allow-list, 401 without its basic
 * auth), to one of its clients (503 while none is connected, e.g. reconnecting). Part of a snapshot; the
 * registry it reads outlives it. Runs on the event loop; lock-free.
 */
final class TunnelHttpHandler implements HttpHandler {
    private final TunnelRegistry registry;
    private final String suffix;

    TunnelHttpHandler(TunnelRegistry registry, String domain) {
        this.registry = registry;
        this.suffix = "." + domain;
    }

    @Override
    public void handle(HttpExchange ex) {
        String name = name(ex);
        Tunnel t = name == null ? null : registry.lookup(name);
        if (t == null || t.kind() != TunnelKind.HTTP) {
            ErrorResponses.send(ex, 404, "no tunnel named \"" + (name == null ? "" : name) + "\"", !ex.requestComplete());
            return;
        }
        TunnelAccess access = t.access();
        if (!access.allows(ex.clientAddress())) {
            ErrorResponses.send(ex, 403, null, !ex.requestComplete());
            return;
        }
        if (!access.authorized(ex.request())) {
            FullHttpResponse r = ErrorResponses.build(401, null, ex.request().method().equals(HttpMethod.HEAD));
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"tunnel " + t.name() + "\", charset=\"UTF-8\"");
            ErrorResponses.send(ex, r, !ex.requestComplete());
            return;
        }
        TunnelSession session = t.pick();
        if (session == null) {
            FullHttpResponse r = ErrorResponses.build(503, "tunnel \"" + t.name() + "\" has no client connected right now",
                    ex.request().method().equals(HttpMethod.HEAD));
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "5");
            ErrorResponses.send(ex, r, !ex.requestComplete());
            return;
        }
        TunnelExchange.start(ex, session);
    }

    /** The tunnel name: the Host's first label when the rest is the domain; null otherwise. */
    private String name(HttpExchange ex) {
        String host = RequestPath.hostOfAbsolute(ex.request().uri());
        if (host == null) {
            host = ex.request().headers().get(HttpHeaderNames.HOST);
        }
        if (host == null) {
            return null;
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        host = host.toLowerCase(Locale.ROOT);
        if (!host.endsWith(suffix) || host.length() == suffix.length()) {
            return null;
        }
        String name = host.substring(0, host.length() - suffix.length());
        return name.indexOf('.') >= 0 ? name : TunnelNames.normalize(name);
    }
}
