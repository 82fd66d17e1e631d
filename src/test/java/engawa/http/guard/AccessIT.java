package engawa.http.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import engawa.config.ConfigDocument;
import engawa.config.ConfigException;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotCompiler;
import engawa.testing.Curl;
import engawa.testing.Examples;
import engawa.testing.TestServer;
import engawa.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Access rules and basic auth against the real server, with curl as the client (and its source address). */
class AccessIT {
    private static final String HTPASSWD = Examples.dir().resolve("secrets/admin.htpasswd").toString();
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0"}
            upstreams:
              app: {servers: [{url: "UPSTREAM"}]}
            sites:
              s:
                hosts: [s.test]
                routes:
                  - {path: /, redirect: {to: "/in"}}
                  - path: /local/
                    redirect: {to: "/in"}
                    access: {allow: ["127.0.0.0/8"]}
                  - path: /lan/
                    redirect: {to: "/in"}
                    access: {allow: ["10.0.0.0/8", "192.168.0.0/16"]}
                  - path: /deny-one/
                    redirect: {to: "/in"}
                    access: {deny: ["127.0.0.2"], allow: ["127.0.0.0/8"]}
                  - path: /admin/
                    proxy: app
                    access:
                      allow: ["127.0.0.1/32"]
                      basic_auth: {realm: admin, users_file: "%s"}
            """.formatted(HTPASSWD);

    private final TestUpstream app = TestUpstream.start("app");
    private TestServer t;

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
        app.close();
    }

    private TestServer start(Path dir, String yaml) {
        return TestServer.start(dir, yaml.replace("UPSTREAM", app.url()));
    }

    private String url(String path) {
        return t.httpUrl() + path;
    }

    private Curl.Result curl(String path, String... more) {
        List<String> args = new ArrayList<>(List.of("-H", "Host: s.test"));
        args.addAll(List.of(more));
        args.add(url(path));
        return Curl.run(args.toArray(String[]::new));
    }

    @Test
    void addressesOutsideTheAllowListOrInTheDenyListGet403() {
        t = start(TestServer.newDir(), CONFIG);
        assertThat(curl("/local/x").status()).isEqualTo(308);
        assertThat(curl("/lan/x").status()).isEqualTo(403);
        assertThat(curl("/deny-one/x").status()).isEqualTo(308);
        assertThat(curl("/deny-one/x", "--interface", "127.0.0.2").status()).isEqualTo(403);
        assertThat(curl("/local/x", "--interface", "127.0.0.2").status()).isEqualTo(308);
        assertThat(t.server().services().meters().scrape())
                .contains("engawa_guard_rejections_total{reason=\"denied\",route=\"/lan/\",site=\"s\"} 1.0")
                .contains("engawa_guard_rejections_total{reason=\"denied\",route=\"/deny-one/\",site=\"s\"} 1.0");
    }

    @Test
    void basicAuthAsksForCredentialsAndLetsTheRightOnesIn() {
        t = start(TestServer.newDir(), CONFIG);
        Curl.Result none = curl("/admin/");
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("www-authenticate")).isEqualTo("Basic realm=\"admin\", charset=\"UTF-8\"");
        assertThat(curl("/admin/", "-u", "admin:wrong").status()).isEqualTo(401);
        assertThat(curl("/admin/", "-u", "nobody:change-me-example").status()).isEqualTo(401);
        assertThat(curl("/admin/", "-H", "Authorization: Basic !!!").status()).isEqualTo(401);
        assertThat(curl("/admin/", "-H", "Authorization: Bearer abc").status()).isEqualTo(401);
        Curl.Result in = curl("/admin/page", "-u", "admin:change-me-example");
        assertThat(in.status()).isEqualTo(200);
        assertThat(in.body()).isEqualTo("app");
        assertThat(app.lastReceived().uri()).isEqualTo("/admin/page");
        // The address rule comes first: the right password from a refused address is still 403.
        assertThat(curl("/admin/", "-u", "admin:change-me-example", "--interface", "127.0.0.2").status()).isEqualTo(403);
    }

    @Test
    void aLoggedInClientPaysForBcryptOnceNotPerRequest() {
        t = start(TestServer.newDir(), CONFIG);
        double before = passwordChecks();
        for (int i = 0; i < 5; i++) {
            assertThat(curl("/admin/" + i, "-u", "admin:change-me-example").status()).isEqualTo(200);
        }
        assertThat(passwordChecks() - before).isEqualTo(1.0);
        // Failures are not remembered: each wrong password costs a check.
        assertThat(curl("/admin/", "-u", "admin:nope").status()).isEqualTo(401);
        assertThat(curl("/admin/", "-u", "admin:nope").status()).isEqualTo(401);
        assertThat(passwordChecks() - before).isEqualTo(3.0);
    }

    private double passwordChecks() {
        return t.server().services().meters().get("engawa.guard.password_checks").counter().count();
    }

    /**
     * Slow bcrypt hashes, one user per request so that nothing is remembered: if the checks ran on the
     * event loops, a plain request would queue behind them; off the loops it is answered while most of
     * them are still waiting for a CPU.
     */
    @Test
    void passwordChecksDoNotHoldUpOtherRequests() throws Exception {
        Path dir = TestServer.newDir();
        int users = 6 * PasswordChecks.PARALLELISM;
        SecureRandom random = new SecureRandom();
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < users; i++) {
            byte[] salt = new byte[16];
            random.nextBytes(salt);
            file.append("user").append(i).append(':').append(OpenBSDBCrypt.generate("2y", ("pw" + i).toCharArray(), salt, 12)).append('\n');
        }
        TestServer.write(dir, "users", file.toString());
        t = start(dir, CONFIG.replace(HTPASSWD, "users"));

        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        AtomicInteger done = new AtomicInteger();
        List<CompletableFuture<HttpResponse<String>>> logins = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            String auth = Base64.getEncoder().encodeToString(("user" + i + ":pw" + i).getBytes());
            logins.add(client.sendAsync(HttpRequest.newBuilder(URI.create(url("/admin/" + i)))
                            .header("Host", "s.test").header("Authorization", "Basic " + auth)
                            .timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> done.incrementAndGet()));
        }
        // The checks are under way once the first has finished; most are still queued.
        CompletableFuture.anyOf(logins.toArray(CompletableFuture[]::new)).get();
        assertThat(curl("/local/plain").status()).isEqualTo(308);
        int finishedWhenPlainWasAnswered = done.get();
        for (var login : logins) {
            assertThat(login.get().statusCode()).isEqualTo(200);
        }
        assertThat(finishedWhenPlainWasAnswered).isLessThanOrEqualTo(users - 2 * PasswordChecks.PARALLELISM);
    }

    @Test
    void aUsersFileWithoutBcryptHashesIsAConfigErrorNamingItsPathAndLine() {
        Path dir = TestServer.newDir();
        Path users = TestServer.write(dir, "users", "# ops\nbob:$apr1$abcdefgh$0123456789abcdefghijkl\n");
        String yaml = CONFIG.replace(HTPASSWD, "users").replace("UPSTREAM", app.url());
        try (Services dry = Services.dry(null, null)) {
            assertThatThrownBy(() -> new SnapshotCompiler(dry).compile(ConfigDocument.parse(yaml, dir), 0))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("sites.s.routes[4].access.basic_auth.users_file: " + users + " line 2: "
                            + "the hash of user \"bob\" is not bcrypt ($2y$, $2a$ or $2b$); make it with htpasswd -B");
        }
    }
}
