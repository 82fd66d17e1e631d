package engawa.tunnel.client;

import engawa.tunnel.HelloReply;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Prints what a {@link TunnelClient} tells, for people: the public URLs when online, why it is offline, and
 * one line per request. Lines are formatted and printed by a thread of their own, so a slow terminal never
 * holds up the event loop; if it falls {@link #QUEUE} lines behind, lines are dropped and the count is
 * printed instead.
 *
 * <p>Handing a line over costs the event loop a lock-free enqueue. The printer is woken only when it sleeps,
 * then lets lines gather for {@link #LINGER_NANOS} and prints them with one flush: under load that is one
 * wake-up and one write per batch, not per request; lines appear at most that much later.
 */
public final class ConsoleEvents implements TunnelClient.Events, AutoCloseable {
    private static final int QUEUE = 10_000;
    private static final long LINGER_NANOS = 20_000_000L;
    private static final String NEWLINE = System.lineSeparator();

    private final PrintWriter out;
    private final String local;
    /** Strings (printed as they are) and {@link RequestLine}s (formatted by the printer). */
    private final Queue<Object> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    /** True while the printer sleeps (or is about to) with nothing to print: the next line wakes it. */
    private final AtomicBoolean idle = new AtomicBoolean();
    private final Thread printer;
    private volatile boolean stopping;

    /** @param local what the tunnel leads to, e.g. {@code http://127.0.0.1:3000} */
    public ConsoleEvents(PrintWriter out, String local) {
        this.out = out;
        this.local = local;
        this.printer = Thread.ofPlatform().daemon().name("engawa-tunnel-output").start(this::print);
    }

    @Override
    public void online(HelloReply reply, boolean again) {
        StringBuilder b = new StringBuilder();
        b.append(again ? "Tunnel \"" + reply.name() + "\" is back online:" : "Tunnel \"" + reply.name() + "\" is online:");
        for (String url : reply.urls()) {
            b.append("\n  ").append(url).append("  ->  ").append(local);
        }
        line(b.toString());
    }

    @Override
    public void offline(String why, Duration retryIn) {
        line("Tunnel offline: " + why + "; reconnecting in " + (retryIn.toMillis() < 1000 ? retryIn.toMillis() + "ms" : retryIn.toSeconds() + "s"));
    }

    @Override
    public void request(RequestLine line) {
        line(line);
    }

    @Override
    public void inspector(String url) {
        line("Inspector: " + url);
    }

    private void line(Object s) {
        if (queued.incrementAndGet() > QUEUE) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        lines.offer(s);
        if (idle.get() && idle.compareAndSet(true, false)) {
            LockSupport.unpark(printer);
        }
    }

    private void print() {
        while (true) {
            // Idle before looking: a line offered after this look sees idle and wakes the printer.
            idle.set(true);
            while (lines.isEmpty() && !stopping) {
                LockSupport.park(this);
            }
            idle.set(false);
            if (!stopping) {
                LockSupport.parkNanos(this, LINGER_NANOS);
            }
            drain();
            if (stopping && lines.isEmpty()) {
                return;
            }
        }
    }

    private void drain() {
        Object o;
        while ((o = lines.poll()) != null) {
            queued.decrementAndGet();
            // Not println: the writer may flush (write(2)) at every println.
            out.write(o instanceof RequestLine r ? r.format() : o.toString());
            out.write(NEWLINE);
        }
        long d = dropped.getAndSet(0);
        if (d > 0) {
            out.write("(" + d + " lines not shown: output could not keep up)");
            out.write(NEWLINE);
        }
        out.flush();
    }

    /** Prints what is queued, then stops the printer. */
    @Override
    public void close() {
        stopping = true;
        LockSupport.unpark(printer);
        try {
            printer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
