package engawa.http.guard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/** Token buckets with a clock the test moves, including one that is negative and wraps. */
class RateLimiterTest {
    private static final long MS = 1_000_000L;

    private static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void aFullBucketPassesExactlyBurstRequestsThenOneEveryInterval() {
        for (long t0 : new long[] {0, -7_000 * MS, Long.MAX_VALUE - 150 * MS}) {
            RateLimiter r = new RateLimiter(10, 3);
            InetAddress a = ip("192.0.2.1");
            assertThat(r.acquire(a, t0)).isZero();
            assertThat(r.acquire(a, t0)).isZero();
            assertThat(r.acquire(a, t0)).isZero();
            assertThat(r.acquire(a, t0)).as("from %d", t0).isEqualTo(100 * MS);
            assertThat(r.acquire(a, t0 + 40 * MS)).isEqualTo(60 * MS);
            assertThat(r.acquire(a, t0 + 100 * MS)).isZero();
            assertThat(r.acquire(a, t0 + 100 * MS)).isEqualTo(100 * MS);
            // Idle long enough, the bucket is full again, and no fuller.
            long later = t0 + 10_000 * MS;
            for (int i = 0; i < 3; i++) {
                assertThat(r.acquire(a, later)).isZero();
            }
            assertThat(r.acquire(a, later)).isPositive();
        }
    }

    @Test
    void noBurstMeansOneRequestPerInterval() {
        RateLimiter r = new RateLimiter(2, 0);
        InetAddress a = ip("192.0.2.1");
        assertThat(r.acquire(a, 0)).isZero();
        assertThat(r.acquire(a, 0)).isEqualTo(500 * MS);
        assertThat(r.acquire(a, 500 * MS)).isZero();
    }

    @Test
    void clientsAreIPv4AddressesAndIPv6Slash64s() {
        RateLimiter r = new RateLimiter(1, 1);
        assertThat(r.acquire(ip("192.0.2.1"), 0)).isZero();
        assertThat(r.acquire(ip("::ffff:192.0.2.1"), 0)).as("the same client over a dual-stack socket").isPositive();
        assertThat(r.acquire(ip("192.0.2.2"), 0)).isZero();
        assertThat(r.acquire(ip("2001:db8:1:2::1"), 0)).isZero();
        assertThat(r.acquire(ip("2001:db8:1:2:ffff::9"), 0)).as("same /64").isPositive();
        assertThat(r.acquire(ip("2001:db8:1:3::1"), 0)).as("another /64").isZero();
    }

    @Test
    void aFloodOfDistinctAddressesStaysWithinTheBound() {
        RateLimiter r = new RateLimiter(1, 5);
        for (int i = 0; i < 3 * RateLimiter.MAX_CLIENTS; i++) {
            byte[] b = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
            try {
                r.acquire(InetAddress.getByAddress(b), 0);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        assertThat(r.clients()).isLessThanOrEqualTo(RateLimiter.MAX_CLIENTS);
    }
}
