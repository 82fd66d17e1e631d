package engawa.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import engawa.config.ConfigDocument;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotCompiler;
import engawa.testing.Http;
import engawa.testing.TestServer;
import engawa.testing.TwoUpstreams;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Upstream pools across revisions: kept while unchanged, replaced when changed, stopped when gone. */
class UpstreamPoolsIT extends TwoUpstreams {

    private String config(String upstreamExtra, String site) {
        return """
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  app:
                    servers: ["%s"]
                    health_check: {path: /healthz, interval: 100ms, timeout: 2s, fall: 3, rise: 1}
                %s
                  other:
                    servers: ["%s"]
                    health_check: {path: /healthz, interval: 100ms, timeout: 2s, fall: 1, rise: 1}
                sites:
                  s:
                    hosts: [%s]
                    routes:
                      - {path: /, proxy: app}
                """.formatted(a.url(), upstreamExtra.indent(4).stripTrailing(), b.url(), site);
    }

    private void apply(String yaml) {
        t.server().apply(ConfigDocument.parse(yaml, t.dir()), "test");
    }

    private int get(String host) {
        return Http.send(HttpRequest.newBuilder(URI.create(t.httpUrl() + "/x")).header("Host", host)).statusCode();
    }

    private UpstreamStatus status(String upstream) {
        return t.server().services().upstreams().status().stream()
                .filter(s -> s.upstream().equals(upstream)).findFirst().orElse(null);
    }

    private static void noMore(java.util.function.IntSupplier counter) {
        int[] last = {counter.getAsInt()};
        await().pollInterval(Duration.ofMillis(400)).atMost(Duration.ofSeconds(10)).until(() -> {
            int now = counter.getAsInt();
            boolean same = now == last[0];
            last[0] = now;
            return same;
        });
        int settled = counter.getAsInt();
        await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> counter.getAsInt() == settled);
    }

    @Test
    void anUnchangedPoolKeepsItsConnectionsAndHealthAcrossRevisions() {
        t = TestServer.start(config("", "one.test"));
        assertThat(get("one.test")).isEqualTo(200);
        int connections = a.requestConnections();
        b.healthy(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !status("other").healthy());
        UpstreamStatus before = status("app");

        apply(config("", "two.test"));
        // The state carried over: the server is still known down, the same connection serves.
        assertThat(status("other").healthy()).isFalse();
        assertThat(status("app").requests()).isEqualTo(before.requests());
        assertThat(get("two.test")).isEqualTo(200);
        assertThat(a.requestConnections()).isEqualTo(connections);
        assertThat(status("app").requests()).isEqualTo(before.requests() + 1);
    }

    @Test
    void aChangedPoolIsReplacedAndARemovedOneStops() {
        t = TestServer.start(config("", "one.test"));
        assertThat(get("one.test")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> b.healthChecks() > 0);
        int connections = a.requestConnections();

        apply(config("retries: 2", "one.test").replaceAll("(?s)  other:.*?rise: 1}\n", ""));
        assertThat(status("other")).isNull();
        // The removed pool's checks stop.
        noMore(b::healthChecks);
        // The changed pool is new: a new connection, and the old pool's idle one is closed.
        assertThat(get("one.test")).isEqualTo(200);
        assertThat(a.requestConnections()).isEqualTo(connections + 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> a.openRequestConnections() == 1);
        assertThat(status("app").requests()).isEqualTo(1);
        assertThat(t.server().services().meters().scrape())
                .contains("engawa_upstream_server_requests_total{server=\"" + a.url() + "\",upstream=\"app\"} 1.0")
                .doesNotContain("upstream=\"other\"");
    }

    @Test
    void aRevisionThatCannotBeServedStartsNothing() throws Exception {
        t = TestServer.start(config("", "one.test").replaceAll("(?s)  other:.*?rise: 1}\n", ""));
        try (ServerSocket busy = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            String yaml = config("", "one.test").replace("listen: {http: \"127.0.0.1:0\"}",
                    "listen: {http: \"127.0.0.1:0\", dns: \"127.0.0.1:0\", admin: \"127.0.0.1:" + busy.getLocalPort() + "\"}");
            assertThatThrownBy(() -> apply(yaml)).hasMessageContaining("Address already in use");
        }
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> b.healthChecks() == 0);
        assertThat(status("other")).isNull();
    }

    @Test
    void aDryCompileStartsNothing() {
        try (Services dry = Services.dry(null, null)) {
            var compiled = new SnapshotCompiler(dry).compile(ConfigDocument.parse(config("", "one.test"), TestServer.newDir()), 0);
            assertThat(compiled.snapshot().upstreams().pool("app")).isNotNull();
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
                    .until(() -> a.healthChecks() == 0 && b.healthChecks() == 0);
            assertThat(dry.upstreams().status()).isEmpty();
        }
    }

    @Test
    void statusNamesEveryServer() {
        t = TestServer.start(config("", "one.test"));
        assertThat(get("one.test")).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> status("app").lastCheck() != null
                && status("app").lastCheck().startsWith("200 OK"));
        UpstreamStatus s = status("app");
        assertThat(s.server()).isEqualTo(a.url());
        assertThat(s.weight()).isEqualTo(1);
        assertThat(s.healthy()).isTrue();
        assertThat(s.inFlight()).isZero();
        assertThat(s.requests()).isEqualTo(1);
        assertThat(s.failures()).isZero();
        assertThat(s.lastCheckAt()).isNotNull();
        assertThat(t.server().services().upstreams().status()).extracting(UpstreamStatus::upstream).containsExactly("app", "other");
    }

    @Test
    void keptAliveConnectionsCloseAfterTheIdleTimeout() {
        t = TestServer.start(config("timeouts: {idle: 300ms}", "one.test"));
        assertThat(get("one.test")).isEqualTo(200);
        assertThat(a.requestConnections()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.openRequestConnections() == 0);
        assertThat(get("one.test")).isEqualTo(200);
        assertThat(a.requestConnections()).isEqualTo(2);
    }
}
