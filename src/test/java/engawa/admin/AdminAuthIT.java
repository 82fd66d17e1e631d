package engawa.admin;

import static engawa.testing.AdminClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.AdminClient;
import engawa.testing.TestServer;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** With admin.tokens, every call (API, metrics, dashboard) needs a token whose SHA-256 is configured. */
class AdminAuthIT {
    /** sha256("secret"), as in the reference config. */
    private static final String SECRET = "2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b";
    /** sha256("other"). */
    private static final String OTHER = "d9298a10d1b0735837dc4bd85dac641b0f3cef27a47e5d53a54f2f3f5b2fcffa";
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0", admin: ":0"}
            log: {access: "off"}
            admin:
              tokens:
                - {name: ops, sha256: %s}
            sites:
              a:
                hosts: [a.test]
                routes:
                  - {path: /, redirect: {to: "https://one.example/"}}
            """;

    private TestServer t;

    @BeforeEach
    void start() {
        t = TestServer.start(CONFIG.formatted(SECRET));
    }

    @AfterEach
    void stop() {
        t.close();
    }

    private AdminClient admin(String token) {
        return new AdminClient(t.port("admin"), token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/config", "/api/v1/revisions", "/api/v1/status", "/metrics", "/api/v1/nothing"})
    void withoutATokenEveryCallIs401WithABearerChallenge(String path) {
        var r = admin(null).get(path);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).contains("Bearer realm=\"engawa-admin\"");
        assertThat(json(r).path("error").asText()).isEqualTo("a bearer token is required (Authorization: Bearer TOKEN)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/api/v1/config", "/api/v1/revisions", "/api/v1/status", "/metrics", "/"})
    void aWrongTokenIs401AndTheRightOneIsLetIn(String path) {
        var wrong = admin("Secret").get(path);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(json(wrong).path("error").asText()).isEqualTo("invalid token");
        var right = admin("secret").get(path);
        assertThat(right.statusCode()).isEqualTo(200);
    }

    @Test
    void theDashboardAsksABrowserToLogInWithTheTokenAsPassword() {
        var r = admin(null).get("/");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).get().asString().startsWith("Basic realm=\"engawa-admin\"");
        String basic = Base64.getEncoder().encodeToString("anyone:secret".getBytes(StandardCharsets.UTF_8));
        var in = AdminClient.send(admin(null).request("/").header("Authorization", "Basic " + basic).GET());
        assertThat(in.statusCode()).isEqualTo(200);
        assertThat(in.body()).contains("<title>Engawa</title>");
        String wrong = Base64.getEncoder().encodeToString("anyone:guess".getBytes(StandardCharsets.UTF_8));
        var out = AdminClient.send(admin(null).request("/api/v1/status").header("Authorization", "Basic " + wrong).GET());
        assertThat(out.statusCode()).isEqualTo(401);
    }

    @Test
    void aRejectedCallChangesNothing() {
        long before = t.server().snapshot().revision();
        var r = admin("guess").post("/api/v1/rollback/" + before);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("www-authenticate")).contains("Bearer realm=\"engawa-admin\", error=\"invalid_token\"");
        var put = admin(null).put("/api/v1/config", "application/yaml", CONFIG.formatted(OTHER));
        assertThat(put.statusCode()).isEqualTo(401);
        assertThat(t.server().snapshot().revision()).isEqualTo(before);
    }

    @Test
    void aRevisionCanChangeTheTokens() {
        var put = admin("secret").put("/api/v1/config", "application/yaml", CONFIG.formatted(OTHER));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(admin("secret").get("/api/v1/config").statusCode()).isEqualTo(401);
        var now = admin("other").get("/api/v1/config");
        assertThat(now.statusCode()).isEqualTo(200);
        assertThat(json(now).path("source").asText()).isEqualTo("admin API (token ops)");
    }

    @Test
    void withTokensTheHostHeaderMayBeAName() {
        var r = AdminClient.send(admin("secret").request("/api/v1/status").header("Host", "edge.example.test").GET());
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void tokensMayComeAsAnyCaseOfTheScheme() {
        var r = AdminClient.send(new AdminClient(t.port("admin")).request("/metrics").header("Authorization", "bearer secret").GET());
        assertThat(r.statusCode()).isEqualTo(200);
        var empty = AdminClient.send(new AdminClient(t.port("admin")).request("/metrics").header("Authorization", "Bearer ").GET());
        assertThat(empty.statusCode()).isEqualTo(401);
    }

    @Test
    void putWithTheTokenServesTheDocument() {
        String doc = CONFIG.formatted(SECRET).replace("one.example", "two.example");
        var r = AdminClient.send(admin("secret").request("/api/v1/config").header("Content-Type", "text/yaml")
                .PUT(HttpRequest.BodyPublishers.ofString(doc)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("revision").asLong()).isEqualTo(t.server().snapshot().revision());
    }
}
