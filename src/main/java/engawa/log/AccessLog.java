package engawa.log;

import engawa.config.LogConfig;
import engawa.http.ExchangeObserver;
import engawa.http.HttpExchange;
import engawa.snapshot.Snapshot;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.internal.PlatformDependent;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log ({@code log: {access: stdout|off|PATH, format: combined|json}}): one line per request.
 *
 * <p>{@link #completed} runs on the event loops and never blocks or takes a lock: it copies what the line
 * needs into an {@link AccessRecord} and offers it to a bounded lock-free queue that one writer thread
 * drains ({@link AccessLogWriter}). When the queue is full (the disk cannot keep up) the line is dropped
 * and counted in {@code engawa_access_log_dropped_total} rather than holding up a request. The first
 * request served under a newer revision points the writer at that revision's destination.
 */
public final class AccessLog implements ExchangeObserver, AutoCloseable {
    /** Lines waiting for the writer; about 200 bytes each. */
    static final int CAPACITY = 16 << 10;

    private final Queue<AccessRecord> queue = PlatformDependent.newFixedMpscQueue(CAPACITY);
    private final AtomicLong revision = new AtomicLong(Long.MIN_VALUE);
    private final Counter dropped;
    private final AccessLogWriter writer;

    public AccessLog(MeterRegistry meters) {
        this.dropped = Counter.builder("engawa.access.log.dropped")
                .description("Access log lines dropped because the writer could not keep up or could not write")
                .register(meters);
        this.writer = new AccessLogWriter(queue, dropped);
    }

    @Override
    public void completed(HttpExchange exchange, boolean success) {
        Snapshot snapshot = exchange.snapshot();
        LogConfig log = snapshot.config().log();
        long seen = revision.get();
        if (snapshot.revision() > seen && revision.compareAndSet(seen, snapshot.revision())) {
            writer.follow(snapshot.revision(), log);
        }
        if (log.access().equals("off")) {
            return;
        }
        if (queue.offer(AccessRecord.of(exchange, log.format().equals("json")))) {
            writer.wake();
        } else {
            dropped.increment();
        }
    }

    /** Writes the lines still queued and closes the file. */
    @Override
    public void close() {
        writer.close();
    }
}
