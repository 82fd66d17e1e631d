package engawa.upstream;

import io.netty.util.concurrent.EventExecutor;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Power of two choices: draw two eligible servers at random (by weight) and take the one with fewer
 * requests in flight relative to its weight. Nearly as even as least_conn, with no herd on the least
 * loaded server when many loops pick at once.
 */
final class RandomTwoBalancer implements Balancer {
    private final UpstreamServer[] servers;

    RandomTwoBalancer(List<UpstreamServer> servers) {
        this.servers = servers.toArray(UpstreamServer[]::new);
    }

    @Override
    public UpstreamServer pick(EventExecutor loop, long keyHash, BitSet tried, long nowNanos) {
        int total = 0;
        int count = 0;
        for (UpstreamServer s : servers) {
            if (Balancer.eligible(s, tried, nowNanos)) {
                total += s.weight();
                count++;
            }
        }
        if (count == 0) {
            return null;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        UpstreamServer a = draw(random.nextInt(total), tried, nowNanos);
        if (count == 1) {
            return a;
        }
        UpstreamServer b = a;
        // Draw the second among the others: redraw over the remaining weight.
        int rest = total - a.weight();
        int r = random.nextInt(rest);
        for (UpstreamServer s : servers) {
            if (s == a || !Balancer.eligible(s, tried, nowNanos)) {
                continue;
            }
            r -= s.weight();
            if (r < 0) {
                b = s;
                break;
            }
        }
        return (long) b.inFlight() * a.weight() < (long) a.inFlight() * b.weight() ? b : a;
    }

    private UpstreamServer draw(int r, BitSet tried, long nowNanos) {
        UpstreamServer last = null;
        for (UpstreamServer s : servers) {
            if (!Balancer.eligible(s, tried, nowNanos)) {
                continue;
            }
            last = s;
            r -= s.weight();
            if (r < 0) {
                return s;
            }
        }
        return last;
    }
}
