package engawa.http.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.ToIntFunction;

/**
 * The guards' long-lived state, kept in {@code Services} so that it outlives snapshots: per-client rate
 * buckets and per-route admission control (in flight, waiting room), the ticket key, the password-check
 * pool and the per-route meters. Thread-safe.
 *
 * <p>A route's limit state is keyed by site, route path and the limit's own settings: a reload that leaves
 * them alone gets the same object back, buckets, requests in flight and the line included, so a reload in
 * the middle of a flash crowd resets nothing. Rate and concurrency are keyed apart, so changing one keeps the
 * other. States are held weakly: one lives as long as a snapshot (or a request in flight) uses it.
 */
public final class GuardStates {
    private record RateKey(RouteId route, double ratePerSecond, int burst) {
    }

    private record AdmissionKey(RouteId route, int limit, boolean waitingRoom) {
    }

    private final MeterRegistry registry;
    private final PasswordChecks passwordChecks;
    private final Tickets tickets = new Tickets();
    private final Cache<RateKey, RateLimiter> rates = Caffeine.newBuilder().weakValues().build();
    private final Cache<AdmissionKey, AdmissionControl> admissions = Caffeine.newBuilder().weakValues().build();
    private final ConcurrentHashMap<RouteId, GuardMeters> meters = new ConcurrentHashMap<>();

    public GuardStates(MeterRegistry registry, ExecutorService blocking) {
        this.registry = registry;
        this.passwordChecks = new PasswordChecks(blocking, registry);
    }

    /** The route's counters, registered with its gauges on first use. */
    public GuardMeters meters(RouteId route) {
        return meters.computeIfAbsent(route, r -> {
            gauge("engawa.waiting_room.length", "Tickets in line in the waiting room", r, AdmissionControl::waiting);
            gauge("engawa.guard.in_flight", "Requests in flight under the route's concurrency limit", r, AdmissionControl::inFlight);
            Gauge.builder("engawa.guard.rate_clients", () -> rates.asMap().entrySet().stream()
                            .filter(e -> e.getKey().route().equals(r))
                            .mapToLong(e -> e.getValue().clients())
                            .sum())
                    .description("Clients with a rate-limit bucket (at most " + RateLimiter.MAX_CLIENTS + " per route)")
                    .tag("site", r.site()).tag("route", r.path())
                    .register(registry);
            return new GuardMeters(registry, r);
        });
    }

    RateLimiter rateLimiter(RouteId route, double ratePerSecond, int burst) {
        return rates.get(new RateKey(route, ratePerSecond, burst), k -> new RateLimiter(ratePerSecond, burst));
    }

    AdmissionControl admission(RouteId route, int limit, boolean waitingRoom) {
        return admissions.get(new AdmissionKey(route, limit, waitingRoom), k -> new AdmissionControl(limit, waitingRoom));
    }

    Tickets tickets() {
        return tickets;
    }

    PasswordChecks passwordChecks() {
        return passwordChecks;
    }

    /** Sums over the route's live states: after a reload that changed its limit, old requests still count. */
    private void gauge(String name, String description, RouteId route, ToIntFunction<AdmissionControl> value) {
        Gauge.builder(name, () -> admissions.asMap().entrySet().stream()
                        .filter(e -> e.getKey().route().equals(route))
                        .mapToInt(e -> value.applyAsInt(e.getValue()))
                        .sum())
                .description(description)
                .tag("site", route.site()).tag("route", route.path())
                .register(registry);
    }
}
