package engawa.admin;

import static engawa.testing.AdminClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.AdminClient;
import engawa.testing.Http;
import engawa.testing.InProcessCli;
import engawa.testing.TestServer;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI's config commands against a running server's admin API ({@code --admin URL}), with exit codes. */
class CliAgainstAdminIT {
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0", admin: "127.0.0.1:0"}
            log: {access: "off"}
            sites:
              a:
                hosts: [a.test]
                routes:
                  - {path: /, redirect: {to: "https://%s.example/"}}
            """;

    private TestServer t;
    private String url;

    @BeforeEach
    void start() {
        t = TestServer.start(CONFIG.formatted("one"));
        url = "http://127.0.0.1:" + t.port("admin");
    }

    @AfterEach
    void stop() {
        t.close();
    }


    private String location() {
        return Http.get(t.httpUrl() + "/", "a.test").headers().firstValue("location").orElse("");
    }

    @Test
    void applyPlanRevisionsAndRollbackThroughTheApi() {
        long first = t.server().snapshot().revision();
        Path two = TestServer.write(t.dir(), "two.yaml", CONFIG.formatted("two"));

        var plan = InProcessCli.run("plan", two.toString(), "--admin", url);
        assertThat(plan.exit()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("changes from revision " + first).contains("one.example").contains("two.example");

        var apply = InProcessCli.run("apply", two.toString(), "--admin", url);
        assertThat(apply.exit()).as(apply.err()).isZero();
        assertThat(apply.out()).contains("revision " + (first + 1) + " stored (admin API " + url + ")");
        assertThat(location()).isEqualTo("https://two.example/");
        assertThat(json(new AdminClient(t.port("admin")).get("/api/v1/config")).path("source").asText())
                .isEqualTo("apply " + two);

        var again = InProcessCli.run("apply", two.toString(), "--admin", url);
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("no changes");

        var revisions = InProcessCli.run("revisions", "--admin", url);
        assertThat(revisions.exit()).as(revisions.err()).isZero();
        assertThat(revisions.out()).contains("apply " + two + "  (newest)").contains("serve --config");

        var rollback = InProcessCli.run("rollback", Long.toString(first), "--admin", url);
        assertThat(rollback.exit()).as(rollback.err()).isZero();
        assertThat(rollback.out()).contains("revision " + (first + 2) + " stored");
        assertThat(location()).isEqualTo("https://one.example/");
    }

    @Test
    void failuresExitOneAndSayWhy() {
        long before = t.server().snapshot().revision();
        Path bad = TestServer.write(t.dir(), "bad.yaml", CONFIG.formatted("x") + "      - {path: /api/, proxy: api}\n");
        var apply = InProcessCli.run("apply", bad.toString(), "--admin", url);
        assertThat(apply.exit()).isEqualTo(1);
        assertThat(apply.err()).contains("error: sites.a.routes[1].proxy: no upstream named \"api\"");
        assertThat(t.server().snapshot().revision()).isEqualTo(before);

        var rollback = InProcessCli.run("rollback", "99", "--admin", url);
        assertThat(rollback.exit()).isEqualTo(1);
        assertThat(rollback.err()).contains("404").contains("no revision 99");

        var usage = InProcessCli.run("rollback", "--admin", url);
        assertThat(usage.exit()).isEqualTo(2);
    }
}
