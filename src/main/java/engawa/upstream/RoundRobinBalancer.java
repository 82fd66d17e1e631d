package engawa.upstream;

import io.netty.util.concurrent.EventExecutor;
import java.util.BitSet;
import java.util.List;

/**
 * Smooth weighted round robin (nginx's): each pick adds every eligible server's weight to its current
 * value, takes the largest, and subtracts the total from it. Weights 5, 1, 1 give a a b a c a a rather
 * than a a a a a b c. The position is per event loop, so each loop's sequence is exact and the mix over
 * loops keeps the proportions.
 */
final class RoundRobinBalancer implements Balancer {
    private final UpstreamServer[] servers;
    private final PerLoop<int[]> current;

    RoundRobinBalancer(List<UpstreamServer> servers) {
        this.servers = servers.toArray(UpstreamServer[]::new);
        this.current = new PerLoop<>(() -> new int[this.servers.length]);
    }

    @Override
    public UpstreamServer pick(EventExecutor loop, long keyHash, BitSet tried, long nowNanos) {
        int[] cw = current.get(loop);
        int best = -1;
        int total = 0;
        for (int i = 0; i < servers.length; i++) {
            UpstreamServer s = servers[i];
            if (!Balancer.eligible(s, tried, nowNanos)) {
                continue;
            }
            cw[i] += s.weight();
            total += s.weight();
            if (best < 0 || cw[i] > cw[best]) {
                best = i;
            }
        }
        if (best < 0) {
            return null;
        }
        cw[best] -= total;
        return servers[best];
    }
}
