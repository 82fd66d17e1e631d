package engawa.snapshot;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/** The one current {@link Snapshot}, swapped atomically; listeners read it once per request or packet. */
public final class SnapshotHolder {
    private final AtomicReference<Snapshot> current;

    public SnapshotHolder(Snapshot initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial));
    }

    public Snapshot get() {
        return current.get();
    }

    /** Installs {@code next} and returns the snapshot it replaced. */
    public Snapshot swap(Snapshot next) {
        return current.getAndSet(Objects.requireNonNull(next));
    }
}
