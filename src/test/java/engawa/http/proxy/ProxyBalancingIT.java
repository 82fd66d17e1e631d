package engawa.http.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.Http;
import engawa.testing.TestServer;
import engawa.testing.TwoUpstreams;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How requests spread over two real upstream servers, by balancer and weight. */
class ProxyBalancingIT extends TwoUpstreams {

    private void serve(String balance, int weightA, int weightB) {
        t = TestServer.start("""
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  app:
                    balance: %s
                    servers:
                      - {url: "%s", weight: %d}
                      - {url: "%s", weight: %d}
                sites:
                  s:
                    hosts: [app.test]
                    routes:
                      - {path: /, proxy: app}
                """.formatted(balance, a.url(), weightA, b.url(), weightB));
    }

    private Map<String, Integer> spread(int n, String header, java.util.function.IntFunction<String> value) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(t.httpUrl() + "/x")).header("Host", "app.test");
            if (header != null) {
                r.header(header, value.apply(i));
            }
            var resp = Http.send(r);
            assertThat(resp.statusCode()).isEqualTo(200);
            counts.merge(resp.body(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinFollowsWeights() {
        serve("round_robin", 2, 1);
        Map<String, Integer> counts = spread(90, null, null);
        assertThat(counts.get("a")).isEqualTo(60);
        assertThat(counts.get("b")).isEqualTo(30);
    }

    @Test
    void leastConnAvoidsTheBusyServer() throws Exception {
        serve("least_conn", 1, 1);
        var slow = java.util.concurrent.CompletableFuture.supplyAsync(() -> Http.send(HttpRequest.newBuilder(
                URI.create(t.httpUrl() + "/slow?ms=3000")).header("Host", "app.test")));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> a.requests() + b.requests() == 1);
        String busy = a.requests() == 1 ? "a" : "b";
        Map<String, Integer> counts = spread(10, null, null);
        assertThat(counts).doesNotContainKey(busy).containsValue(10);
        assertThat(slow.get().body()).isEqualTo(busy);
    }

    @Test
    void randomTwoUsesBothServersAndLeansToTheHeavierOne() {
        serve("random_two", 3, 1);
        Map<String, Integer> counts = spread(200, null, null);
        assertThat(counts.get("a")).isGreaterThan(counts.get("b"));
        assertThat(counts.get("b")).isGreaterThan(10);
    }

    @Test
    void hashByHeaderSticksEachKeyToOneServer() {
        t = TestServer.start("""
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  app:
                    balance: hash
                    hash_key: header:X-User
                    servers: ["%s", "%s"]
                sites:
                  s:
                    hosts: [app.test]
                    routes:
                      - {path: /, proxy: app}
                """.formatted(a.url(), b.url()));
        Map<String, String> owner = new HashMap<>();
        for (int round = 0; round < 3; round++) {
            for (int user = 0; user < 40; user++) {
                var resp = Http.send(HttpRequest.newBuilder(URI.create(t.httpUrl() + "/x"))
                        .header("Host", "app.test").header("X-User", "user-" + user));
                String prev = owner.putIfAbsent("user-" + user, resp.body());
                assertThat(prev == null ? resp.body() : prev).as("user-%d, round %d", user, round).isEqualTo(resp.body());
            }
        }
        assertThat(owner.values()).contains("a", "b");
    }

    @Test
    void hashByCookieSticksAndMovesOnlyTheKeysOfAServerThatLeaves() {
        t = TestServer.start("""
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  app:
                    balance: hash
                    hash_key: cookie:sid
                    servers: ["%s", "%s"]
                sites:
                  s:
                    hosts: [app.test]
                    routes:
                      - {path: /, proxy: app}
                """.formatted(a.url(), b.url()));
        Map<String, String> owner = new HashMap<>();
        for (int user = 0; user < 40; user++) {
            var resp = Http.send(HttpRequest.newBuilder(URI.create(t.httpUrl() + "/x"))
                    .header("Host", "app.test").header("Cookie", "theme=dark; sid=s" + user));
            owner.put("s" + user, resp.body());
        }
        assertThat(owner.values()).contains("a", "b");
        b.stop();
        for (int user = 0; user < 40; user++) {
            var resp = Http.send(HttpRequest.newBuilder(URI.create(t.httpUrl() + "/x"))
                    .header("Host", "app.test").header("Cookie", "sid=s" + user + "; theme=dark"));
            assertThat(resp.statusCode()).isEqualTo(200);
            assertThat(resp.body()).isEqualTo("a");
        }
        b.restart();
    }
}
