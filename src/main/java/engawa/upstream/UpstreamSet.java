package engawa.upstream;

import java.util.Collection;
import java.util.Map;

/**
 * The upstream pools one snapshot uses, by name: running pools carried over from the previous snapshot
 * (same config) and new ones that start when this snapshot is installed. Immutable.
 */
public final class UpstreamSet {
    public static final UpstreamSet EMPTY = new UpstreamSet(Map.of());

    private final Map<String, UpstreamPool> pools;

    UpstreamSet(Map<String, UpstreamPool> pools) {
        this.pools = Map.copyOf(pools);
    }

    /** The pool of {@code upstreams.NAME}, or null. */
    public UpstreamPool pool(String name) {
        return pools.get(name);
    }

    public Collection<UpstreamPool> pools() {
        return pools.values();
    }

    boolean contains(UpstreamPool pool) {
        return pools.get(pool.name()) == pool;
    }
}
