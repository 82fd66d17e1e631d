package engawa.http;

import engawa.config.RouteConfig;
import engawa.snapshot.CompileContext;

/** Folds a route's guards (access rules, then limits) in front of its handler, in that fixed order. */
final class Guards {

    private Guards() {
    }

    static HttpHandler wrap(CompileContext ctx, String at, RouteConfig rc, HttpHandler handler) {
        HttpHandler h = handler;
        if (!rc.limits().isEmpty()) {
            h = NotServed.handler(ctx, at + ".limits", "limits");
        }
        if (!rc.access().isEmpty()) {
            h = NotServed.handler(ctx, at + ".access", "access rules");
        }
        return h;
    }
}
