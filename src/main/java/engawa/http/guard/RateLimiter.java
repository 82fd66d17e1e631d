package engawa.http.guard;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per-client token buckets for one route: {@code rate} requests per second, up to {@code burst} at once.
 * Thread-safe and lock-free per request: each client's bucket is one {@code AtomicLong} updated by CAS.
 *
 * <p>The bucket is kept as GCRA (the generic cell rate algorithm, a token bucket written as one number):
 * the "theoretical arrival time" {@code tat} of the next request if the client sent at exactly
 * {@code rate}. A request at {@code now} fits when {@code max(tat, now) - now <= (burst - 1) * interval},
 * and pushes {@code tat} one interval further. A full bucket is exactly {@code burst} requests at once.
 *
 * <p>Memory is bounded under a flood of distinct addresses: buckets live in a Caffeine map of at most
 * {@link #MAX_CLIENTS} entries (about 150 bytes each) whose W-TinyLFU admission keeps the buckets of
 * clients seen often (the ones being limited) over one-off addresses, so a flood of new addresses cannot
 * flush them. A bucket idle for {@code burst * interval} is full again, the same as a new one, so it
 * expires then and expiry loses nothing.
 */
final class RateLimiter {
    static final int MAX_CLIENTS = 65_536;

    private final long intervalNanos;
    private final long toleranceNanos;
    private final Cache<Long, AtomicLong> buckets;

    RateLimiter(double ratePerSecond, int burst) {
        int capacity = Math.max(1, burst);
        this.intervalNanos = Math.max(1, (long) (1e9 / ratePerSecond));
        this.toleranceNanos = saturatedMultiply(intervalNanos, capacity - 1);
        this.buckets = Caffeine.newBuilder()
                .maximumSize(MAX_CLIENTS)
                .expireAfterAccess(Duration.ofNanos(Math.max(1_000_000_000L, saturatedMultiply(intervalNanos, capacity))))
                .build();
    }

    /** Takes a token for {@code client}: 0 when the request may pass, else the nanoseconds until one would. */
    long acquire(InetAddress client, long nowNanos) {
        AtomicLong tat = buckets.get(Addresses.clientKey(client), k -> new AtomicLong(nowNanos));
        while (true) {
            long t = tat.get();
            // Compared by difference: nanoTime values may be negative and wrap.
            long ahead = Math.max(0, t - nowNanos);
            long start = nowNanos + ahead;
            if (ahead > toleranceNanos) {
                return ahead - toleranceNanos;
            }
            if (tat.compareAndSet(t, start + intervalNanos)) {
                return 0;
            }
        }
    }

    /** Clients with a bucket now, after pending evictions. */
    long clients() {
        buckets.cleanUp();
        return buckets.estimatedSize();
    }

    private static long saturatedMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }
}
