package engawa.http.guard;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/**
 * Runs bcrypt checks off the event loops, on the blocking virtual threads, for every route of the process.
 * bcrypt costs tens of milliseconds of CPU by design, so at most half the cores run it at once (the rest
 * keep serving), and at most {@link #MAX_QUEUED} checks wait: beyond that a caller is told to come back
 * later rather than queueing unbounded work (a flood of wrong passwords). Thread-safe.
 */
final class PasswordChecks {
    static final int MAX_QUEUED = 256;
    static final int PARALLELISM = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

    private final ExecutorService blocking;
    private final Semaphore cpu = new Semaphore(PARALLELISM);
    private final AtomicInteger queued = new AtomicInteger();
    private final Counter checks;

    PasswordChecks(ExecutorService blocking, MeterRegistry registry) {
        this.blocking = blocking;
        this.checks = Counter.builder("engawa.guard.password_checks")
                .description("bcrypt checks run (a remembered login needs none)")
                .register(registry);
    }

    /** Checks {@code password} (UTF-8) against a bcrypt hash; null when too many checks are queued already. */
    CompletableFuture<Boolean> check(String hash, byte[] password) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            return null;
        }
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        try {
            blocking.execute(() -> {
                try {
                    cpu.acquire();
                    try {
                        checks.increment();
                        result.complete(OpenBSDBCrypt.checkPassword(hash, password));
                    } finally {
                        cpu.release();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    result.completeExceptionally(e);
                } catch (RuntimeException e) {
                    result.completeExceptionally(e);
                } finally {
                    queued.decrementAndGet();
                }
            });
        } catch (RejectedExecutionException e) {
            // Shutting down.
            queued.decrementAndGet();
            return null;
        }
        return result;
    }
}
