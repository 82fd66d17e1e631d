package engawa.http.guard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * One route's guard counters: {@code engawa_guard_rejections_total{site,route,reason}} and
 * {@code engawa_waiting_room_admitted_total{site,route}}. Registered once per route and shared by
 * successive snapshots (Micrometer hands back the counter already registered under the same tags).
 */
public final class GuardMeters {
    private final Counter denied;
    private final Counter unauthorized;
    private final Counter authBusy;
    private final Counter rateLimited;
    private final Counter overConcurrency;
    private final Counter waiting;
    private final Counter roomFull;
    private final Counter admittedFromQueue;

    GuardMeters(MeterRegistry registry, RouteId route) {
        this.denied = rejections(registry, route, "denied");
        this.unauthorized = rejections(registry, route, "unauthorized");
        this.authBusy = rejections(registry, route, "auth_busy");
        this.rateLimited = rejections(registry, route, "rate_limited");
        this.overConcurrency = rejections(registry, route, "over_concurrency");
        this.waiting = rejections(registry, route, "waiting");
        this.roomFull = rejections(registry, route, "waiting_room_full");
        this.admittedFromQueue = Counter.builder("engawa.waiting_room.admitted")
                .description("Requests let in from the waiting room, in ticket order")
                .tag("site", route.site()).tag("route", route.path())
                .register(registry);
    }

    private static Counter rejections(MeterRegistry registry, RouteId route, String reason) {
        return Counter.builder("engawa.guard.rejections")
                .description("Requests a guard answered itself instead of letting them through, by reason")
                .tag("site", route.site()).tag("route", route.path()).tag("reason", reason)
                .register(registry);
    }

    /** 403: the client address is denied or not allowed. */
    Counter denied() {
        return denied;
    }

    /** 401: no or wrong credentials. */
    Counter unauthorized() {
        return unauthorized;
    }

    /** 503: too many password checks already queued. */
    Counter authBusy() {
        return authBusy;
    }

    /** 429: the client address is over its rate. */
    Counter rateLimited() {
        return rateLimited;
    }

    /** 503: the route is at its concurrency limit (no waiting room, or a client that cannot wait in it). */
    Counter overConcurrency() {
        return overConcurrency;
    }

    /** The waiting room page (or 503 for a ticket holder that is not a browser): not its turn yet. */
    Counter waiting() {
        return waiting;
    }

    /** 503: the waiting room holds as many tickets as it can. */
    Counter roomFull() {
        return roomFull;
    }

    Counter admittedFromQueue() {
        return admittedFromQueue;
    }
}
