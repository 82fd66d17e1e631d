package engawa.tunnel;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds unauthenticated work on the tunnel listener: connections that have not finished their handshake,
 * in total and per client address. A connection over either cap is closed as soon as it is accepted.
 * Thread-safe.
 */
public final class PendingHandshakes {
    /** Handshakes in progress at once, from everyone. */
    public static final int MAX_TOTAL = 256;
    /** Handshakes in progress at once from one address. */
    public static final int MAX_PER_ADDRESS = 16;

    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> byAddress = new ConcurrentHashMap<>();
    private final int maxTotal;
    private final int maxPerAddress;

    public PendingHandshakes() {
        this(MAX_TOTAL, MAX_PER_ADDRESS);
    }

    PendingHandshakes(int maxTotal, int maxPerAddress) {
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
    }

    /** Takes a slot for a new connection from {@code address}; false when a cap is reached. */
    public boolean tryAcquire(InetAddress address) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return false;
        }
        boolean[] ok = {false};
        byAddress.compute(address, (a, n) -> {
            AtomicInteger count = n == null ? new AtomicInteger() : n;
            if (count.get() < maxPerAddress) {
                count.incrementAndGet();
                ok[0] = true;
            }
            return count;
        });
        if (!ok[0]) {
            total.decrementAndGet();
        }
        return ok[0];
    }

    /** Gives back the slot of a connection that finished (or failed) its handshake. */
    public void release(InetAddress address) {
        total.decrementAndGet();
        byAddress.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    public int total() {
        return total.get();
    }
}
