package engawa.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.config.UpstreamConfig;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.URI;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BalancerTest {
    private static final ImmediateEventExecutor LOOP = ImmediateEventExecutor.INSTANCE;

    private static List<UpstreamServer> servers(int... weights) {
        List<UpstreamServer> out = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            out.add(new UpstreamServer("app", i,
                    new UpstreamConfig.Server(URI.create("http://10.0.0." + (i + 1) + ":80"), weights[i]), null));
        }
        return out;
    }

    private static String sequence(Balancer b, int n, BitSet tried) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + b.pick(LOOP, 0, tried, System.nanoTime()).index()));
        }
        return s.toString();
    }

    @Test
    void smoothRoundRobinInterleavesByWeight() {
        Balancer b = new RoundRobinBalancer(servers(5, 1, 1));
        assertThat(sequence(b, 14, null)).isEqualTo("aabacaa" + "aabacaa");
    }

    @Test
    void roundRobinSkipsTriedAndDownServers() {
        List<UpstreamServer> s = servers(1, 1, 1);
        Balancer b = new RoundRobinBalancer(s);
        BitSet tried = new BitSet();
        tried.set(0);
        s.get(2).connectionFailed("test");
        assertThat(sequence(b, 4, tried)).isEqualTo("bbbb");
        tried.set(1);
        assertThat(b.pick(LOOP, 0, tried, System.nanoTime())).isNull();
    }

    @Test
    void leastConnPicksTheLeastLoadedByWeight() {
        List<UpstreamServer> s = servers(1, 2);
        Balancer b = new LeastConnBalancer(s);
        s.get(0).begin();
        s.get(1).begin();
        s.get(1).begin();
        s.get(1).begin();
        // a: 1 of weight 1 = 1.0; b: 3 of weight 2 = 1.5
        assertThat(b.pick(LOOP, 0, null, System.nanoTime()).index()).isEqualTo(0);
        s.get(0).begin();
        assertThat(b.pick(LOOP, 0, null, System.nanoTime()).index()).isEqualTo(1);
    }

    @Test
    void randomTwoNeverPicksTheLoadedOneWhenAnotherIsIdle() {
        List<UpstreamServer> s = servers(1, 1);
        Balancer b = new RandomTwoBalancer(s);
        s.get(0).begin();
        for (int i = 0; i < 100; i++) {
            assertThat(b.pick(LOOP, 0, null, System.nanoTime()).index()).isEqualTo(1);
        }
    }

    @Test
    void hashMovesOnlyTheKeysOfAServerThatIsDown() {
        List<UpstreamServer> s = servers(1, 1, 1, 1, 1);
        Balancer b = new HashBalancer(s);
        Map<Integer, Integer> before = new HashMap<>();
        int[] perServer = new int[5];
        for (int k = 0; k < 10_000; k++) {
            int owner = b.pick(LOOP, KeyHash.of("key-" + k), null, System.nanoTime()).index();
            before.put(k, owner);
            perServer[owner]++;
        }
        for (int count : perServer) {
            assertThat(count).isBetween(1400, 2600);
        }
        s.get(2).connectionFailed("test");
        int moved = 0;
        for (int k = 0; k < 10_000; k++) {
            int owner = b.pick(LOOP, KeyHash.of("key-" + k), null, System.nanoTime()).index();
            if (before.get(k) != 2) {
                assertThat(owner).isEqualTo(before.get(k));
            } else {
                assertThat(owner).isNotEqualTo(2);
                moved++;
            }
        }
        assertThat(moved).isEqualTo(perServer[2]);
    }

    @Test
    void hashRingIgnoresServersRemovedFromTheConfig() {
        Balancer five = new HashBalancer(servers(1, 1, 1, 1, 1));
        Balancer four = new HashBalancer(servers(1, 1, 1, 1));
        int changed = 0;
        for (int k = 0; k < 10_000; k++) {
            int was = five.pick(LOOP, KeyHash.of("key-" + k), null, System.nanoTime()).index();
            int now = four.pick(LOOP, KeyHash.of("key-" + k), null, System.nanoTime()).index();
            if (was != 4) {
                assertThat(now).isEqualTo(was);
            } else {
                changed++;
            }
        }
        assertThat(changed).isBetween(1400, 2600);
    }

    @Test
    void hashKeyReadsCookiesAndFallsBackToTheClientAddress() throws Exception {
        var req = new io.netty.handler.codec.http.DefaultHttpRequest(io.netty.handler.codec.http.HttpVersion.HTTP_1_1,
                io.netty.handler.codec.http.HttpMethod.GET, "/a?b");
        req.headers().add("Cookie", "a=1; sid=\"xyz\"; sidx=2");
        assertThat(KeyHash.cookie(req, "sid")).isEqualTo("xyz");
        assertThat(KeyHash.cookie(req, "sidx")).isEqualTo("2");
        assertThat(KeyHash.cookie(req, "si")).isNull();
        var ip = java.net.InetAddress.getByName("192.0.2.1");
        assertThat(KeyHash.parse("cookie:sid").hash(req, ip)).isEqualTo(KeyHash.of("xyz"));
        assertThat(KeyHash.parse("uri").hash(req, ip)).isEqualTo(KeyHash.of("/a?b"));
        assertThat(KeyHash.parse("header:X-User").hash(req, ip)).isEqualTo(KeyHash.parse("client_ip").hash(req, ip));
    }
}
