package engawa.admin;

import static engawa.testing.AdminClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.testing.AdminClient;
import engawa.testing.Http;
import engawa.testing.TestServer;
import engawa.testing.TestUpstream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /api/v1/upstreams} and the upstream gauges in {@code /metrics}, against two real app servers. */
class UpstreamsApiIT {
    private TestUpstream one;
    private TestUpstream two;
    private TestServer t;
    private AdminClient admin;

    @BeforeEach
    void start() {
        one = TestUpstream.start("one");
        two = TestUpstream.start("two");
        t = TestServer.start("""
                listen: {http: "127.0.0.1:0", admin: "127.0.0.1:0"}
                log: {access: "off"}
                upstreams:
                  app:
                    servers:
                      - {url: "%s", weight: 2}
                      - {url: "%s"}
                    health_check: {path: /healthz, interval: 100ms, timeout: 1s, fall: 1, rise: 1}
                sites:
                  a:
                    hosts: [a.test]
                    routes:
                      - {path: /, proxy: app}
                """.formatted(one.url(), two.url()));
        admin = new AdminClient(t.port("admin"));
    }

    @AfterEach
    void stop() {
        t.close();
        one.close();
        two.close();
    }

    private JsonNode app() {
        var r = admin.get("/api/v1/upstreams");
        assertThat(r.statusCode()).isEqualTo(200);
        return json(r).path("upstreams").path("app");
    }

    @Test
    void everyServerIsListedWithItsHealthAndCounts() {
        await().atMost(Duration.ofSeconds(10)).until(() -> app().path("servers").get(0).path("last_check_at").isTextual());
        for (int i = 0; i < 6; i++) {
            assertThat(Http.get(t.httpUrl() + "/", "a.test").statusCode()).isEqualTo(200);
        }
        JsonNode app = app();
        assertThat(app.path("healthy").asInt()).isEqualTo(2);
        JsonNode first = app.path("servers").get(0);
        assertThat(first.path("url").asText()).isEqualTo(one.url());
        assertThat(first.path("weight").asInt()).isEqualTo(2);
        assertThat(first.path("healthy").asBoolean()).isTrue();
        assertThat(first.path("in_flight").asInt()).isZero();
        assertThat(first.path("failures").asLong()).isZero();
        long requests = app.path("servers").get(0).path("requests").asLong() + app.path("servers").get(1).path("requests").asLong();
        assertThat(requests).isEqualTo(6);
    }

    @Test
    void aServerFailingItsChecksShowsDownAndComesBack() {
        two.healthy(false);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode app = app();
            assertThat(app.path("healthy").asInt()).isEqualTo(1);
            assertThat(app.path("servers").get(1).path("healthy").asBoolean()).isFalse();
            assertThat(app.path("servers").get(0).path("healthy").asBoolean()).isTrue();
        });
        String metrics = admin.get("/metrics").body();
        assertThat(metrics).containsPattern("engawa_upstream_server_healthy\\{[^}]*server=\"" + two.url() + "\"[^}]*} 0\\.0");
        two.healthy(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> app().path("healthy").asInt() == 2);
    }
}
