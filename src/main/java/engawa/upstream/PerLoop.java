package engawa.upstream;

import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One instance of some state per event loop, so that the state is only ever touched by its own loop and
 * needs no lock (balancer positions, idle connections). The lookup is a lock-free map read.
 */
final class PerLoop<T> {
    private final ConcurrentHashMap<EventExecutor, T> byLoop = new ConcurrentHashMap<>();
    private final Supplier<T> factory;

    PerLoop(Supplier<T> factory) {
        this.factory = factory;
    }

    /** The state of {@code loop}; call on that loop only. */
    T get(EventExecutor loop) {
        T t = byLoop.get(loop);
        if (t == null) {
            t = byLoop.computeIfAbsent(loop, l -> factory.get());
        }
        return t;
    }

    /** Runs {@code action} on each loop's state, on that loop. */
    void forEach(java.util.function.BiConsumer<EventExecutor, T> action) {
        byLoop.forEach((loop, t) -> {
            if (loop.inEventLoop()) {
                action.accept(loop, t);
            } else if (!loop.isShuttingDown()) {
                loop.execute(() -> action.accept(loop, t));
            }
        });
    }
}
