package engawa.upstream;

import io.netty.util.concurrent.EventExecutor;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The server with the fewest requests in flight relative to its weight (in flight across every event
 * loop); ties go to a random one of them, so an idle pool still spreads.
 */
final class LeastConnBalancer implements Balancer {
    private final UpstreamServer[] servers;

    LeastConnBalancer(List<UpstreamServer> servers) {
        this.servers = servers.toArray(UpstreamServer[]::new);
    }

    @Override
    public UpstreamServer pick(EventExecutor loop, long keyHash, BitSet tried, long nowNanos) {
        int n = servers.length;
        int start = n == 1 ? 0 : ThreadLocalRandom.current().nextInt(n);
        UpstreamServer best = null;
        long bestLoad = 0;
        for (int k = 0; k < n; k++) {
            UpstreamServer s = servers[(start + k) % n];
            if (!Balancer.eligible(s, tried, nowNanos)) {
                continue;
            }
            // in_flight / weight, compared without division: a.in * b.w < b.in * a.w
            long load = s.inFlight();
            if (best == null || load * best.weight() < bestLoad * s.weight()) {
                best = s;
                bestLoad = load;
            }
        }
        return best;
    }
}
