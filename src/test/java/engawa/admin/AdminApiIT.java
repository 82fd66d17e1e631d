package engawa.admin;

import static engawa.testing.AdminClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.testing.AdminClient;
import engawa.testing.Http;
import engawa.testing.RawHttp;
import engawa.testing.TestServer;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin API on loopback without tokens: every endpoint, its errors, and its statuses. */
class AdminApiIT {
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0", admin: "127.0.0.1:0"}
            log: {access: "off"}
            sites:
              a:
                hosts: [a.test]
                routes:
                  - {path: /, redirect: {to: "https://one.example/{uri}", status: 301}}
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

    private String location() {
        return Http.get(t.httpUrl() + "/", "a.test").headers().firstValue("location").orElse("");
    }

    @Test
    void getConfigReturnsTheRevisionServedWithItsSourceAndFolder() {
        var r = admin.get("/api/v1/config");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("application/json");
        JsonNode body = json(r);
        assertThat(body.path("revision").asLong()).isEqualTo(t.server().snapshot().revision());
        assertThat(body.path("source").asText()).startsWith("serve --config ");
        assertThat(body.path("base_dir").asText()).isEqualTo(t.dir().toAbsolutePath().normalize().toString());
        assertThat(body.path("document").path("sites").path("a").path("hosts").get(0).asText()).isEqualTo("a.test");
    }

    @Test
    void putYamlServesItAsTheNextRevisionWithItsWarnings() {
        long before = t.server().snapshot().revision();
        String doc = CONFIG.replace("one.example", "two.example")
                + "  b:\n    hosts: [b.test]\n    routes:\n      - {path: /, static: {root: not-there-yet}}\n";
        var r = admin.send(admin.request("/api/v1/config").header("Content-Type", "application/yaml")
                .header("X-Engawa-Source", "deploy 42").PUT(HttpRequest.BodyPublishers.ofString(doc)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = json(r);
        assertThat(body.path("revision").asLong()).isEqualTo(before + 1);
        assertThat(body.path("warnings").isArray()).isTrue();
        assertThat(location()).startsWith("https://two.example/");
        assertThat(json(admin.get("/api/v1/config")).path("source").asText()).isEqualTo("deploy 42");
    }

    @Test
    void putJsonBySniffingAndRelativePathsResolveAgainstBase() {
        String doc = """
                {"listen": {"http": "127.0.0.1:0", "admin": "127.0.0.1:0"}, "log": {"access": "logs/a.log"},
                 "sites": {"a": {"hosts": ["a.test"], "routes": [{"path": "/", "redirect": {"to": "https://three.example/"}}]}}}
                """;
        var elsewhere = TestServer.newDir();
        var r = admin.put("/api/v1/config?base=" + elsewhere, null, doc);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(location()).isEqualTo("https://three.example/");
        assertThat(t.server().snapshot().config().log().accessFile()).isEqualTo(elsewhere.resolve("logs/a.log"));
        JsonNode current = json(admin.get("/api/v1/config"));
        assertThat(current.path("base_dir").asText()).isEqualTo(elsewhere.toString());
        assertThat(current.path("source").asText()).isEqualTo("admin API (127.0.0.1)");
    }

    @Test
    void anInvalidDocumentIs422WithEveryProblemAndChangesNothing() {
        long before = t.server().snapshot().revision();
        long stored = t.server().store().latestId();
        String doc = CONFIG.replace("[a.test]", "[a.test, \"bad host\"]")
                + "      - {path: /api/, proxy: api}\n";
        var r = admin.put("/api/v1/config", "application/yaml", doc);
        assertThat(r.statusCode()).isEqualTo(422);
        JsonNode body = json(r);
        assertThat(body.path("error").asText()).isEqualTo("invalid config");
        List<String> problems = new ArrayList<>();
        body.path("problems").forEach(p -> problems.add(p.path("path").asText() + ": " + p.path("message").asText()));
        assertThat(problems).containsExactlyInAnyOrder(
                "sites.a.hosts[1]: \"bad host\" is not a host name or a wildcard such as *.example.test",
                "sites.a.routes[1].proxy: no upstream named \"api\"");
        assertThat(t.server().snapshot().revision()).isEqualTo(before);
        assertThat(t.server().store().latestId()).isEqualTo(stored);
        assertThat(location()).startsWith("https://one.example/");
    }

    @Test
    void aBodyThatIsNotADocumentIs400() {
        var syntax = admin.put("/api/v1/config", "application/json", "{\"sites\": ");
        assertThat(syntax.statusCode()).isEqualTo(400);
        assertThat(json(syntax).path("error").asText()).startsWith("request body:");
        var empty = admin.put("/api/v1/config", "application/yaml", "  \n");
        assertThat(empty.statusCode()).isEqualTo(400);
        assertThat(json(empty).path("error").asText()).startsWith("empty body");
        var relativeBase = admin.put("/api/v1/config?base=relative/dir", "application/yaml", CONFIG);
        assertThat(relativeBase.statusCode()).isEqualTo(400);
        assertThat(json(relativeBase).path("error").asText()).contains("absolute");
    }

    @Test
    void revisionsAreListedNewestFirstWithTheCurrentOneMarked() {
        long first = t.server().snapshot().revision();
        admin.put("/api/v1/config", "application/yaml", CONFIG.replace("one.example", "two.example"));
        admin.put("/api/v1/config", "application/yaml", CONFIG.replace("one.example", "three.example"));
        JsonNode all = json(admin.get("/api/v1/revisions")).path("revisions");
        assertThat(all.size()).isEqualTo(3);
        assertThat(all.get(0).path("id").asLong()).isEqualTo(first + 2);
        assertThat(all.get(0).path("current").asBoolean()).isTrue();
        assertThat(all.get(1).path("current").asBoolean()).isFalse();
        assertThat(all.get(2).path("source").asText()).startsWith("serve --config");
        assertThat(java.time.Instant.parse(all.get(0).path("created_at").asText())).isNotNull();
        assertThat(json(admin.get("/api/v1/revisions?limit=1")).path("revisions").size()).isEqualTo(1);
        var bad = admin.get("/api/v1/revisions?limit=none");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).path("error").asText()).isEqualTo("limit must be a number from 1 to 1000, not \"none\"");
    }

    @Test
    void rollbackServesAnEarlierDocumentAsANewRevision() {
        long first = t.server().snapshot().revision();
        admin.put("/api/v1/config", "application/yaml", CONFIG.replace("one.example", "two.example"));
        assertThat(location()).startsWith("https://two.example/");
        var r = admin.post("/api/v1/rollback/" + first);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("revision").asLong()).isEqualTo(first + 2);
        assertThat(location()).startsWith("https://one.example/");
        JsonNode newest = json(admin.get("/api/v1/revisions")).path("revisions").get(0);
        assertThat(newest.path("source").asText()).isEqualTo("rollback to " + first);
    }

    @Test
    void rollbackToNoSuchRevisionIs404AndToANonNumberIs400() {
        var missing = admin.post("/api/v1/rollback/9");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("{\"error\":\"no revision 9\"}\n");
        var word = admin.post("/api/v1/rollback/latest");
        assertThat(word.statusCode()).isEqualTo(400);
        assertThat(json(word).path("error").asText()).isEqualTo("revision must be a number, not \"latest\"");
    }

    @Test
    void unknownEndpointsAre404AndWrongMethods405WithAllow() {
        var none = admin.get("/api/v1/nothing");
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(json(none).path("error").asText()).isEqualTo("no such endpoint: /api/v1/nothing");
        var wrong = admin.send(admin.request("/api/v1/config").DELETE());
        assertThat(wrong.statusCode()).isEqualTo(405);
        assertThat(wrong.headers().firstValue("allow")).contains("GET, PUT");
        assertThat(json(wrong).path("error").asText()).isEqualTo("DELETE is not allowed on /api/v1/config");
    }

    @Test
    void statusTellsRevisionListenersAndSites() {
        JsonNode s = json(admin.get("/api/v1/status"));
        assertThat(s.path("revision").asLong()).isEqualTo(t.server().snapshot().revision());
        assertThat(s.path("listeners").path("admin").asText()).isEqualTo("127.0.0.1:" + t.port("admin"));
        assertThat(s.path("listeners").path("http").asText()).isEqualTo("127.0.0.1:" + t.port("http"));
        JsonNode site = s.path("sites").get(0);
        assertThat(site.path("name").asText()).isEqualTo("a");
        assertThat(site.path("routes").get(0).path("handler").asText()).isEqualTo("redirect 301 https://one.example/{uri}");
    }

    @Test
    void theDashboardIsOneSelfContainedPage() {
        var r = admin.get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(r.headers().firstValue("content-security-policy")).get().asString().contains("connect-src 'self'");
        assertThat(r.body()).contains("<script>").contains("/api/v1/status").contains("/api/v1/upstreams");
        // No external assets: nothing loads from another origin.
        assertThat(r.body()).doesNotContainPattern("(src|href)=\"?(https?:)?//");
    }

    @Test
    void pipelinedCallsAreAnsweredInOrder() {
        int port = t.port("admin");
        String raw = RawHttp.exchange(port,
                "GET /api/v1/revisions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        + "GET /api/v1/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                        + "POST /api/v1/rollback/99 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n"
                        + "HEAD /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 10_000);
        assertThat(RawHttp.statuses(raw)).containsExactly(200, 404, 404, 200);
        assertThat(raw.indexOf("no such endpoint")).isLessThan(raw.indexOf("no revision 99"));
        assertThat(raw).endsWith("connection: close\r\n\r\n");
    }

    @Test
    void malformedAndOversizedRequestsGetJsonErrors() {
        int port = t.port("admin");
        String bad = RawHttp.exchange(port, "GET /api/v1/config HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n", 10_000);
        assertThat(RawHttp.statuses(bad)).containsExactly(400);
        assertThat(bad).contains("{\"error\":\"malformed request");
        String big = RawHttp.exchange(port, "PUT /api/v1/config HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 99999999\r\n\r\n", 10_000);
        assertThat(RawHttp.statuses(big)).containsExactly(413);
        assertThat(big).contains("{\"error\":\"request body over 8 MiB\"}");
    }

    @Test
    void aPageElsewhereCannotDriveTheApi() {
        long before = t.server().snapshot().revision();
        var crossOrigin = admin.send(admin.request("/api/v1/rollback/" + before).header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(crossOrigin.statusCode()).isEqualTo(403);
        assertThat(t.server().snapshot().revision()).isEqualTo(before);
        var rebound = admin.send(admin.request("/api/v1/config").header("Host", "evil.example:" + t.port("admin")).GET());
        assertThat(rebound.statusCode()).isEqualTo(403);
        assertThat(json(rebound).path("error").asText()).contains("Host must be an IP address or localhost");
        var sameOrigin = admin.send(admin.request("/api/v1/config").header("Origin", admin.url()).GET());
        assertThat(sameOrigin.statusCode()).isEqualTo(200);
    }

    @Test
    void adminCallsAreCounted() {
        admin.get("/api/v1/config");
        admin.post("/api/v1/rollback/77");
        String metrics = admin.get("/metrics").body();
        assertThat(metrics).contains("engawa_admin_requests_total{method=\"GET\",route=\"/api/v1/config\",status=\"200\"} 1.0");
        assertThat(metrics).contains("engawa_admin_requests_total{method=\"POST\",route=\"/api/v1/rollback/{rev}\",status=\"404\"} 1.0");
    }
}
