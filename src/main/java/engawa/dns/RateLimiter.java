package engawa.dns;

import engawa.config.DnsSettings;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Response rate limiting per client prefix (the idea of BIND's RRL, simplified): responses to one prefix are
 * counted in one-second windows; over {@code responses_per_second}, every {@code slip}-th response is sent
 * truncated (a real client then retries over TCP, which is not limited) and the rest are dropped, so a
 * spoofed source cannot turn Engawa into an amplifier. Prefixes share 65,536 counters by hash; a collision
 * only makes two prefixes share a budget. Lock-free; called on event loops.
 */
final class RateLimiter {
    static final int ALLOW = 0;
    static final int DROP = 1;
    static final int SLIP = 2;

    private static final int SIZE = 1 << 16;
    private final AtomicLongArray buckets = new AtomicLongArray(SIZE);

    int check(InetAddress client, DnsSettings.RateLimit limit, long nowNanos) {
        long key;
        if (client instanceof Inet4Address v4) {
            key = Integer.toUnsignedLong(v4.hashCode()) >>> (32 - limit.ipv4Prefix());
        } else {
            byte[] a = client.getAddress();
            key = 0x9E3779B97F4A7C15L;
            int bits = limit.ipv6Prefix();
            for (int i = 0; i < a.length && bits > 0; i++, bits -= 8) {
                int keep = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
                key = (key ^ (a[i] & keep)) * 0x100000001b3L;
            }
        }
        long h = key * 0x9E3779B97F4A7C15L;
        int slot = (int) (h >>> 48);
        int second = (int) (nowNanos / 1_000_000_000L);
        while (true) {
            long cur = buckets.get(slot);
            long next = (int) (cur >>> 32) == second ? cur + 1 : ((long) second << 32) | 1;
            if (buckets.compareAndSet(slot, cur, next)) {
                long count = next & 0xffffffffL;
                if (count <= limit.responsesPerSecond()) {
                    return ALLOW;
                }
                long over = count - limit.responsesPerSecond();
                return limit.slip() > 0 && over % limit.slip() == 0 ? SLIP : DROP;
            }
        }
    }
}
