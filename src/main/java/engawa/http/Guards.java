package engawa.http;

import engawa.config.RouteConfig;
import engawa.http.guard.AddressRules;
import engawa.http.guard.BasicAuthGuard;
import engawa.http.guard.ConcurrencyGuard;
import engawa.http.guard.GuardMeters;
import engawa.http.guard.GuardStates;
import engawa.http.guard.RateLimitGuard;
import engawa.http.guard.RouteId;
import engawa.snapshot.CompileContext;

/**
 * Folds a route's guards in front of its handler. A request meets them in this fixed order, cheapest
 * refusal first: address rules (403), rate limit (429), basic auth (401), concurrency limit and waiting
 * room (503 or the waiting page). The rate limit comes before the password check so that it also caps
 * password guessing per address; auth comes before the concurrency limit so that a request that would be
 * refused never holds a slot or a place in line. Each guard leaves a route without that setting alone.
 */
final class Guards {

    private Guards() {
    }

    static HttpHandler wrap(CompileContext ctx, String at, String site, RouteConfig rc, HttpHandler handler) {
        if (rc.access().isEmpty() && rc.limits().isEmpty()) {
            return handler;
        }
        GuardStates states = ctx.services().guards();
        RouteId route = new RouteId(site, rc.path());
        GuardMeters meters = states.meters(route);
        // Innermost first.
        HttpHandler h = ConcurrencyGuard.wrap(states, route, rc.limits(), meters, handler);
        h = BasicAuthGuard.wrap(ctx, at, rc.access(), meters, h);
        h = RateLimitGuard.wrap(states, route, rc.limits(), meters, h);
        return AddressRules.wrap(rc.access(), meters, h);
    }
}
