package engawa.upstream;

import engawa.config.EngawaConfig;
import engawa.config.UpstreamConfig;
import engawa.net.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The upstream pools of a running server, kept across reloads (part of {@code Services}).
 *
 * <p>A reload goes: {@link #prepare} while compiling (reuses each running pool whose config is
 * unchanged, creates the others without starting anything, so a compile that fails leaks nothing) ->
 * {@link #activate} just before the new snapshot is swapped in (starts the new pools: name resolution,
 * health checks, metrics) -> {@link #retire} just after (stops the pools the new snapshot no longer uses;
 * requests still in flight on them finish, their connections close when released). Lifecycle calls come
 * from the one thread that applies revisions; {@link #status} is safe from any thread.
 */
public final class UpstreamPools implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup workers;
    private final ExecutorService blocking;
    private final MeterRegistry meters;
    private volatile List<UpstreamPool> running = List.of();

    /** {@code workers} null: dry services ({@code engawa check}), which compile pools but never start them. */
    public UpstreamPools(Transport transport, EventLoopGroup workers, ExecutorService blocking, MeterRegistry meters) {
        this.transport = transport;
        this.workers = workers;
        this.blocking = blocking;
        this.meters = meters;
    }

    /** The pools for {@code config.upstreams()}: running ones with an equal config reused, others new and not started. */
    public UpstreamSet prepare(EngawaConfig config) {
        Map<String, UpstreamPool> out = new HashMap<>();
        List<UpstreamPool> now = running;
        for (UpstreamConfig uc : config.upstreams().values()) {
            UpstreamPool reuse = null;
            for (UpstreamPool p : now) {
                if (p.name().equals(uc.name()) && p.config().equals(uc) && !p.stopped()) {
                    reuse = p;
                }
            }
            out.put(uc.name(), reuse != null ? reuse : new UpstreamPool(uc, transport));
        }
        return new UpstreamSet(out);
    }

    /** Starts the pools of {@code next} that are new; called before its snapshot is swapped in. */
    public synchronized void activate(UpstreamSet next) {
        if (workers == null) {
            return;
        }
        List<UpstreamPool> all = new ArrayList<>(running);
        for (UpstreamPool p : next.pools()) {
            if (!p.isNew()) {
                continue;
            }
            for (UpstreamPool old : running) {
                if (old.name().equals(p.name())) {
                    // Same meter names: the replaced pool's meters go now, so the new ones register.
                    old.removeMeters(meters);
                }
            }
            p.start(workers, blocking);
            p.registerMeters(meters);
            all.add(p);
        }
        running = List.copyOf(all);
    }

    /** Stops the running pools {@code current} does not use; called once its snapshot is swapped in. */
    public synchronized void retire(UpstreamSet current) {
        List<UpstreamPool> keep = new ArrayList<>();
        for (UpstreamPool p : running) {
            if (current.contains(p)) {
                keep.add(p);
            } else {
                p.removeMeters(meters);
                p.stop();
            }
        }
        running = List.copyOf(keep);
    }

    /** Every server of every running pool, by upstream name then server order. Cheap; any thread. */
    public List<UpstreamStatus> status() {
        // During a reload a replaced pool and its successor both run for a moment: show the newer.
        Map<String, UpstreamPool> newest = new HashMap<>();
        for (UpstreamPool p : running) {
            newest.put(p.name(), p);
        }
        List<UpstreamPool> pools = new ArrayList<>(newest.values());
        pools.sort(Comparator.comparing(UpstreamPool::name));
        List<UpstreamStatus> out = new ArrayList<>();
        for (UpstreamPool p : pools) {
            out.addAll(p.status());
        }
        return out;
    }

    /** Stops every pool. */
    @Override
    public synchronized void close() {
        retire(UpstreamSet.EMPTY);
    }
}
