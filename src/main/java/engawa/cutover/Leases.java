package engawa.cutover;

import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The cutover lease on every instance a plan changes: one cutover at a time per instance. Taken before the
 * first change, renewed by a daemon thread every third of its time, given back at the end; a runner that
 * dies stops renewing and its lease lapses. A lease held by an earlier run of the same cutover (a runner
 * killed mid-way) is waited out; one held by another cutover is an error. Thread-safe.
 */
final class Leases implements AutoCloseable {
    private final Fleet fleet;
    private final Duration ttl;
    private final String holder;
    private final String cutover;
    private final List<String> held = new ArrayList<>();
    private volatile String lost;
    private Thread renewer;

    Leases(Fleet fleet, String cutover, Duration ttl) {
        this.fleet = fleet;
        this.ttl = ttl;
        this.cutover = cutover;
        this.holder = cutover + "/" + UUID.randomUUID().toString().substring(0, 8) + " (" + ManagementFactory.getRuntimeMXBean().getName() + ")";
    }

    /** Takes every target's lease, waiting out a dead run of this cutover; throws when another cutover holds one. */
    void take(List<String> targets, PrintWriter out) throws InterruptedException {
        for (String t : targets) {
            long deadline = System.nanoTime() + ttl.plusSeconds(5).toNanos();
            boolean told = false;
            while (true) {
                Optional<String> other = fleet.client(t).lease(holder, ttl);
                if (other.isEmpty()) {
                    held.add(t);
                    break;
                }
                if (!other.get().startsWith(cutover + "/") || System.nanoTime() > deadline) {
                    throw new CutoverException("another cutover holds " + t + ": " + other.get());
                }
                if (!told) {
                    out.println("waiting for the lease of an earlier run of " + cutover + " on " + t + " to lapse: " + other.get());
                    out.flush();
                    told = true;
                }
                Thread.sleep(250);
            }
        }
        renewer = Thread.ofPlatform().daemon().name("cutover-lease").start(this::renew);
    }

    /** Why a lease was lost (someone else took it after it lapsed), or null while all are held. */
    String lost() {
        return lost;
    }

    private void renew() {
        long every = Math.max(200, ttl.toMillis() / 3);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            for (String t : held) {
                try {
                    Optional<String> other = fleet.client(t).lease(holder, ttl);
                    if (other.isPresent()) {
                        lost = t + " is now held by " + other.get();
                    }
                } catch (CutoverException e) {
                    // Unreachable for a moment: the lease lasts a while; the next renewal tries again.
                }
            }
        }
    }

    @Override
    public void close() {
        if (renewer != null) {
            renewer.interrupt();
            try {
                renewer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (String t : held) {
            try {
                fleet.client(t).release(holder);
            } catch (CutoverException e) {
                // It lapses by itself.
            }
        }
        held.clear();
    }
}
