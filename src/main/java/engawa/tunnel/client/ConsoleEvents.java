package engawa.tunnel.client;

import engawa.tunnel.HelloReply;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Prints what a {@link TunnelClient} tells, for people: the public URLs when online, why it is offline, and
 * one line per request. Lines are printed by a thread of their own, so a slow terminal never holds up the
 * event loop; if it falls {@link #QUEUE} lines behind, lines are dropped and the count is printed instead.
 */
public final class ConsoleEvents implements TunnelClient.Events, AutoCloseable {
    private static final int QUEUE = 10_000;
    private static final String STOP = "\u0000stop";

    private final PrintWriter out;
    private final String local;
    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread printer;

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
        line(line.format());
    }

    @Override
    public void inspector(String url) {
        line("Inspector: " + url);
    }

    private void line(String s) {
        if (!lines.offer(s)) {
            dropped.incrementAndGet();
        }
    }

    private void print() {
        List<String> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(lines.take());
                lines.drainTo(batch, 1000);
                for (String s : batch) {
                    if (s == STOP) {
                        out.flush();
                        return;
                    }
                    out.println(s);
                }
                batch.clear();
                long d = dropped.getAndSet(0);
                if (d > 0) {
                    out.println("(" + d + " lines not shown: output could not keep up)");
                }
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Prints what is queued, then stops the printer. */
    @Override
    public void close() {
        try {
            lines.put(STOP);
            printer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
