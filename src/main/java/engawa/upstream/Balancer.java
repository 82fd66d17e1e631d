package engawa.upstream;

import engawa.config.UpstreamConfig;
import io.netty.util.concurrent.EventExecutor;
import java.util.BitSet;
import java.util.List;

/**
 * Chooses the server for a request among those {@linkplain UpstreamServer#available available} and not
 * yet tried. Runs on the calling event loop; implementations keep any mutable state per loop, so picking
 * takes no lock.
 */
public interface Balancer {

    /**
     * @param loop    the event loop of the calling connection
     * @param keyHash the request's key hash for {@code balance: hash}, ignored by the others
     * @param tried   servers (by {@link UpstreamServer#index}) not to pick again, or null
     * @return a server, or null when every server is down or tried
     */
    UpstreamServer pick(EventExecutor loop, long keyHash, BitSet tried, long nowNanos);

    /** The balancer {@code balance:} names. */
    static Balancer of(UpstreamConfig.Balance balance, List<UpstreamServer> servers) {
        return switch (balance) {
            case ROUND_ROBIN -> new RoundRobinBalancer(servers);
            case LEAST_CONN -> new LeastConnBalancer(servers);
            case RANDOM_TWO -> new RandomTwoBalancer(servers);
            case HASH -> new HashBalancer(servers);
        };
    }

    /** True when {@code s} may be picked: available and not tried. */
    static boolean eligible(UpstreamServer s, BitSet tried, long nowNanos) {
        return (tried == null || !tried.get(s.index())) && s.available(nowNanos);
    }
}
