package engawa.http;

import engawa.config.RouteConfig;
import engawa.http.fastcgi.FastCgiHandler;
import engawa.http.proxy.ProxyHandler;
import engawa.http.statics.StaticFileHandler;
import engawa.snapshot.CompileContext;

/** Builds the handler a route config names. */
final class HandlerFactory {

    private HandlerFactory() {
    }

    static HttpHandler create(CompileContext ctx, String at, RouteConfig rc) {
        return switch (rc.handler()) {
            case RouteConfig.Redirect r -> new RedirectHandler(r.to(), r.status());
            case RouteConfig.Static s -> StaticFileHandler.create(ctx, at + ".static", rc.path(), s);
            case RouteConfig.Proxy p -> ProxyHandler.create(ctx, at, rc, p);
            case RouteConfig.FastCgi f -> FastCgiHandler.create(ctx, at, rc, f);
        };
    }
}
