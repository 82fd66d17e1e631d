package engawa.http.guard;

import engawa.config.RouteConfig;
import engawa.http.HttpExchange;
import engawa.http.HttpHandler;

/**
 * {@code limits: {rate, burst}}: a client address over its rate gets 429 with {@code Retry-After} (the
 * seconds until its next token). Immutable; runs on the event loop; no lock (see {@link RateLimiter}).
 */
public final class RateLimitGuard implements HttpHandler {
    private final RateLimiter limiter;
    private final GuardMeters meters;
    private final HttpHandler next;

    private RateLimitGuard(RateLimiter limiter, GuardMeters meters, HttpHandler next) {
        this.limiter = limiter;
        this.meters = meters;
        this.next = next;
    }

    /** {@code next} behind the route's rate limit, or {@code next} itself when it has none. */
    public static HttpHandler wrap(GuardStates states, RouteId route, RouteConfig.Limits limits, GuardMeters meters, HttpHandler next) {
        if (limits.ratePerSecond() <= 0) {
            return next;
        }
        return new RateLimitGuard(states.rateLimiter(route, limits.ratePerSecond(), limits.burst()), meters, next);
    }

    @Override
    public void handle(HttpExchange ex) {
        long wait = limiter.acquire(ex.clientAddress(), System.nanoTime());
        if (wait == 0) {
            next.handle(ex);
        } else {
            meters.rateLimited().increment();
            Rejections.retryLater(ex, 429, (wait + 999_999_999L) / 1_000_000_000L);
        }
    }
}
