package engawa.upstream;

import io.netty.util.concurrent.EventExecutor;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Consistent hashing: each server owns {@link #POINTS_PER_WEIGHT} points per unit of weight on a ring of
 * 64-bit hashes (derived from its URL only), and a key goes to the owner of the first point at or after
 * the key's hash. A server that is down or already tried is skipped by walking on clockwise, so only the
 * keys it owned move, and they move back when it returns; removing a server from the config likewise
 * leaves every other server's points where they were.
 */
final class HashBalancer implements Balancer {
    static final int POINTS_PER_WEIGHT = 100;
    private static final int MAX_POINTS_PER_SERVER = 10_000;

    private final UpstreamServer[] servers;
    private final long[] points;
    private final int[] owners;

    HashBalancer(List<UpstreamServer> servers) {
        this.servers = servers.toArray(UpstreamServer[]::new);
        int total = 0;
        for (UpstreamServer s : this.servers) {
            total += pointsOf(s);
        }
        long[][] ring = new long[total][];
        int n = 0;
        for (UpstreamServer s : this.servers) {
            for (int j = 0; j < pointsOf(s); j++) {
                ring[n++] = new long[] {KeyHash.of(s.label() + "#" + j), s.index()};
            }
        }
        Arrays.sort(ring, (a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        this.points = new long[total];
        this.owners = new int[total];
        for (int i = 0; i < total; i++) {
            points[i] = ring[i][0];
            owners[i] = (int) ring[i][1];
        }
    }

    private static int pointsOf(UpstreamServer s) {
        return Math.min(MAX_POINTS_PER_SERVER, POINTS_PER_WEIGHT * s.weight());
    }

    @Override
    public UpstreamServer pick(EventExecutor loop, long keyHash, BitSet tried, long nowNanos) {
        int i = Arrays.binarySearch(points, keyHash);
        if (i < 0) {
            i = -i - 1;
        }
        for (int k = 0; k < points.length; k++) {
            UpstreamServer s = servers[owners[(i + k) % points.length]];
            if (Balancer.eligible(s, tried, nowNanos)) {
                return s;
            }
        }
        return null;
    }
}
