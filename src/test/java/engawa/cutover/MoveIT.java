package engawa.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import engawa.cli.Main;
import engawa.testing.Dig;
import engawa.testing.Examples;
import engawa.testing.TestServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code move:} shorthand on one instance, after lowering the zone's TTLs ({@code prepare}): expanded into its
 * four steps, applied with their checks, then rolled back to the document from before. Also the command's exit
 * codes: 0, 1 for a plan that breaks the invariant for good, 2 for bad usage.
 */
class MoveIT {

    private static String config() {
        Path ex = Examples.dir();
        return """
                listen: {http: "127.0.0.1:0", https: "127.0.0.1:0", dns: "127.0.0.1:0", admin: "127.0.0.1:0"}
                edge: {addresses: ["127.0.0.1"], nameservers: [ns1.example.test.]}
                certificates:
                  example: {cert_file: %1$s/certs/example.test.crt, key_file: %1$s/certs/example.test.key}
                sites:
                  peacock:
                    hosts: [www.example.test]
                    tls: example
                    routes: [{path: /, static: {root: peacock, index: [index.html]}}]
                  parrot:
                    hosts: []
                    tls: example
                    routes: [{path: /, static: {root: %1$s/sites/parrot, index: [index.html]}}]
                zones:
                  example.test:
                    ttl: 2
                    records:
                      - {name: ns1, type: A, values: [127.0.0.1]}
                      - {name: www, type: ALIAS, site: peacock}
                """.formatted(ex);
    }

    @Test
    void moveOnOneInstanceAfterLoweringTtlsThenRollBack() throws Exception {
        try (TestServer server = TestServer.start(config())) {
            TestServer.write(server.dir(), "peacock/index.html", "peacock\n");
            String before = TwoInstances.canonical(server.server().snapshot().document().tree());
            String admin = "http://127.0.0.1:" + server.port("admin");
            Path file = TestServer.write(TestServer.newDir(), "move.yaml", """
                    cutover: move-www
                    prepare: {lower_ttl: 1s}
                    settle: 100ms
                    timeout: 5s
                    move: {host: www.example.test, from: peacock, to: parrot, zone: example.test, ca: %s, expect_body_contains: parrot}
                    """.formatted(Examples.dir().resolve("certs/ca.crt")));

            assertThat(Main.run("cutover", "plan", "--admin", admin, file.toString())).isZero();

            CutoverPlan plan = PlanReader.read(file, admin);
            StringWriter text = new StringWriter();
            try (CutoverRunner r = new CutoverRunner(plan, Map.of(), new PrintWriter(text, true))) {
                assertThat(r.plan()).isZero();
                assertThat(text.toString()).contains("1. lower the TTLs of example.test. on local to 1s [on local, from prepare]")
                        .contains("then:     wait 2s for resolvers to drop answers with the old TTLs")
                        .contains("2. wildcard name *.example.test on parrot [on local, from move]")
                        .contains("5. narrow *.example.test to www.example.test on parrot [on local, from move]");
                text.getBuffer().setLength(0);
                assertThat(r.apply()).as(text.toString()).isZero();
                assertThat(text.toString()).contains("waiting").contains("step 5/5").doesNotContain("FAIL");
            }
            var doc = server.server().snapshot().document().tree();
            assertThat(doc.path("sites").path("peacock").path("hosts").toString()).isEqualTo("[]");
            assertThat(doc.path("sites").path("parrot").path("hosts").toString()).isEqualTo("[\"www.example.test\"]");
            assertThat(Dig.dig(server.port("dns"), "www.example.test", "A")).contains("1\tIN\tA\t127.0.0.1");

            assertThat(Main.run("cutover", "rollback", "--admin", admin, file.toString())).isZero();
            assertThat(TwoInstances.canonical(server.server().snapshot().document().tree())).isEqualTo(before);
        }
    }

    @Test
    void exitCodes() throws Exception {
        try (TestServer server = TestServer.start(config())) {
            String admin = "http://127.0.0.1:" + server.port("admin");
            Path unname = TestServer.write(TestServer.newDir(), "unname.yaml", """
                    cutover: unname
                    steps:
                      - change: {op: set_site_hosts, site: peacock, hosts: []}
                        checks: [{http: {url: "https://www.example.test/"}}]
                    """);
            assertThat(Main.run("cutover", "plan", "--admin", admin, unname.toString())).isEqualTo(1);
            assertThat(Main.run("cutover", "apply", "--admin", admin, unname.toString())).isEqualTo(1);
            assertThat(server.server().snapshot().revision()).isEqualTo(1);
            assertThat(Main.run("cutover", "status", "--admin", admin, unname.toString())).isZero();
            // Another cutover holds this instance: apply is refused and changes nothing.
            var lease = engawa.testing.AdminClient.send(new engawa.testing.AdminClient(server.port("admin")).request("/api/v1/cutover-lease")
                    .header("Content-Type", "application/json")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"holder\": \"other/1\", \"ttl_ms\": 60000}")));
            assertThat(lease.statusCode()).isEqualTo(200);
            Path blink = TestServer.write(TestServer.newDir(), "blink.yaml", """
                    cutover: blink
                    steps:
                      - change: {op: set_site_hosts, site: parrot, hosts: [parrot.example.test]}
                    """);
            StringWriter text = new StringWriter();
            try (CutoverRunner r = new CutoverRunner(PlanReader.read(blink, admin), Map.of(), new PrintWriter(text, true))) {
                assertThatThrownBy(r::apply).isInstanceOf(CutoverException.class)
                        .hasMessageStartingWith("another cutover holds local: other/1 until ");
            }
            assertThat(server.server().snapshot().revision()).isEqualTo(1);
            assertThat(Main.run("cutover", "plan")).isEqualTo(2);
            assertThat(Main.run("cutover")).isEqualTo(2);
            assertThat(Main.run("cutover", "plan", "/nonexistent/plan.yaml")).isEqualTo(1);
        }
    }
}
