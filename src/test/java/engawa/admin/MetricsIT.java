package engawa.admin;

import static engawa.testing.AdminClient.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.AdminClient;
import engawa.testing.Http;
import engawa.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} after real requests: counts by site, route and status, and the latency histogram. */
class MetricsIT {
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0", admin: "127.0.0.1:0"}
            log: {access: "off"}
            sites:
              a:
                hosts: [a.test]
                routes:
                  - {path: /, redirect: {to: "https://one.example/"}}
                  - {path: /old/, redirect: {to: "https://two.example/", status: 301}}
              b:
                hosts: [b.test]
                routes:
                  - {path: /only/, redirect: {to: "https://three.example/"}}
            """;

    private TestServer t;
    private AdminClient admin;

    @BeforeEach
    void start() {
        t = TestServer.start(CONFIG);
        admin = new AdminClient(t.port("admin"));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private String metrics() {
        var r = admin.get("/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("text/plain; version=0.0.4; charset=utf-8");
        return r.body();
    }

    @Test
    void requestsAreCountedBySiteRouteAndStatus() {
        for (int i = 0; i < 3; i++) {
            assertThat(Http.get(t.httpUrl() + "/x", "a.test").statusCode()).isEqualTo(308);
        }
        assertThat(Http.get(t.httpUrl() + "/old/y", "a.test").statusCode()).isEqualTo(301);
        assertThat(Http.get(t.httpUrl() + "/elsewhere", "b.test").statusCode()).isEqualTo(404);
        assertThat(Http.get(t.httpUrl() + "/", "nobody.test").statusCode()).isEqualTo(404);
        assertThat(Http.get(t.httpUrl() + "/", "nobody.test").statusCode()).isEqualTo(404);

        // Counted once the response has been written, which can be a moment after the client has it.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("engawa_http_requests_total{route=\"routes[0]\",site=\"a\",status=\"308\"} 3.0")
                .contains("engawa_http_requests_total{route=\"routes[1]\",site=\"a\",status=\"301\"} 1.0")
                .contains("engawa_http_requests_total{route=\"-\",site=\"b\",status=\"404\"} 1.0")
                .contains("engawa_http_requests_total{route=\"-\",site=\"-\",status=\"404\"} 2.0")
                .contains("engawa_http_request_duration_seconds_count{site=\"a\"} 4")
                .contains("engawa_http_request_duration_seconds_bucket{site=\"a\",le=\"+Inf\"} 4")
                .contains("engawa_http_request_duration_seconds_count{site=\"-\"} 2"));
        String m = metrics();
        assertThat(m).contains("# TYPE engawa_http_request_duration_seconds histogram");
        assertThat(m).containsPattern("engawa_http_request_duration_seconds_bucket\\{site=\"a\",le=\"0\\.001\"} \\d");
        assertThat(m).contains("engawa_access_log_dropped_total 0.0");

        var s = json(admin.get("/api/v1/status")).path("requests");
        assertThat(s.path("a").path("total").asLong()).isEqualTo(4);
        assertThat(s.path("a").path("3xx").asLong()).isEqualTo(4);
        assertThat(s.path("-").path("4xx").asLong()).isEqualTo(2);
    }

    @Test
    void countsSurviveAReload() {
        Http.get(t.httpUrl() + "/x", "a.test");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("engawa_http_requests_total{route=\"routes[0]\",site=\"a\",status=\"308\"} 1.0"));
        var put = admin.put("/api/v1/config", "application/yaml", CONFIG.replace("one.example", "four.example"));
        assertThat(put.statusCode()).isEqualTo(200);
        Http.get(t.httpUrl() + "/x", "a.test");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(metrics())
                .contains("engawa_http_requests_total{route=\"routes[0]\",site=\"a\",status=\"308\"} 2.0"));
    }
}
