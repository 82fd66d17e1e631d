package engawa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import engawa.testing.Examples;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EngawaConfigTest {

    private static EngawaConfig read(String yaml) {
        return EngawaConfig.read(ConfigDocument.parse(yaml, Path.of("/tmp")));
    }

    private static String errors(String yaml) {
        try {
            read(yaml);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the document to be rejected");
    }

    @Test
    void referenceDocumentLoadsAsWritten() {
        EngawaConfig c = EngawaConfig.read(ConfigDocument.load(Examples.dir().resolve("engawa.yaml")));
        assertThat(c.sites()).containsOnlyKeys("peacock", "parrot");
        assertThat(c.listen().http().port()).isEqualTo(8080);
        assertThat(c.listen().admin().loopback()).isTrue();
        UpstreamConfig app = c.upstreams().get("app");
        assertThat(app.servers()).hasSize(2);
        assertThat(app.servers().get(0).weight()).isEqualTo(2);
        assertThat(app.healthCheck().interval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(app.maxBody()).isEqualTo(10L << 20);
        assertThat(c.sites().get("parrot").routes().get(1).limits().ratePerSecond()).isEqualTo(100.0);
        assertThat(c.certificates().get("example").certFile()).isEqualTo(Examples.dir().resolve("certs/example.test.crt"));
        assertThat(c.zones()).containsKey("example.test.");
        assertThat(c.tunnels().domain()).isEqualTo("tunnel.example.test");
    }

    @Test
    void unknownUpstreamIsNamedWithItsPath() {
        String msg = errors("""
                upstreams: {app: {servers: ["http://127.0.0.1:3000"]}}
                sites:
                  parrot:
                    hosts: [a.test]
                    routes:
                      - {path: /, redirect: {to: "https://b.test/"}}
                      - {path: /api/, proxy: api}
                """);
        assertThat(msg).isEqualTo("sites.parrot.routes[1].proxy: no upstream named \"api\"");
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        String msg = errors("""
                listen: {http: "nonsense"}
                http: {header_timeout: 5 parsecs, max_body: 3 lightyears}
                upstreams: {app: {servers: ["ftp://x"], balance: fastest}}
                sites:
                  a: {hosts: ["bad host"], routes: [{path: nope, static: {root: x}}], colour: blue}
                """);
        assertThat(msg.lines()).contains(
                "listen.http: \"nonsense\" is not HOST:PORT or :PORT",
                "http.header_timeout: \"5 parsecs\" is not a duration (examples: 500ms, 2s, 5m, 1h, 1m30s)",
                "http.max_body: \"3 lightyears\" is not a size (examples: 512KiB, 10MiB, 1GiB)",
                "upstreams.app.balance: \"fastest\" is not one of: round_robin, least_conn, random_two, hash",
                "sites.a.hosts[0]: \"bad host\" is not a host name or a wildcard such as *.example.test",
                "sites.a.routes[0].path: \"nope\" is not a path prefix (it starts with / and has no query)");
        assertThat(msg).contains("sites.a.colour: unknown key");
        assertThat(msg).contains("upstreams.app.servers[0]: \"ftp://x\" is not a server URL for http");
    }

    @Test
    void aHostInTwoSitesNamesBoth() {
        String msg = errors("""
                sites:
                  old: {hosts: [www.example.test], routes: [{path: /, redirect: {to: /x}}]}
                  new: {hosts: [WWW.example.test.], routes: [{path: /, redirect: {to: /y}}]}
                """);
        assertThat(msg).isEqualTo("sites.new.hosts[0]: host \"www.example.test\" belongs to site \"old\" too; a host belongs to at most one site");
    }

    @Test
    void anExactNameAndAWildcardMayOverlap() {
        EngawaConfig c = read("""
                sites:
                  a: {hosts: ["*.example.test"], routes: [{path: /, redirect: {to: /x}}]}
                  b: {hosts: [www.example.test], routes: [{path: /, redirect: {to: /y}}]}
                """);
        assertThat(c.sites()).hasSize(2);
    }

    @Test
    void adminOffLoopbackNeedsAToken() {
        assertThat(errors("listen: {admin: \":9080\"}")).startsWith("listen.admin: the admin listener is on :9080 with no admin.tokens");
        EngawaConfig ok = read("""
                listen: {admin: ":9080"}
                admin: {tokens: [{name: ops, sha256: 2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b}]}
                """);
        assertThat(ok.admin().tokens()).hasSize(1);
    }

    @Test
    void missingCertificateFilesAreErrorsAndMissingStaticRootsWarnings() {
        String msg = errors("""
                certificates: {c: {cert_file: nope.crt, key_file: nope.key}}
                """);
        assertThat(msg.lines()).containsExactly(
                "certificates.c.cert_file: file /tmp/nope.crt does not exist",
                "certificates.c.key_file: file /tmp/nope.key does not exist");
        EngawaConfig c = read("""
                sites: {a: {hosts: [a.test], routes: [{path: /, static: {root: not-there}}]}}
                """);
        assertThat(c.warnings()).extracting(ConfigProblem::path).containsExactly("sites.a.routes[0].static.root");
    }

    @Test
    void syntaxErrorsNameLineAndColumn() {
        assertThatThrownBy(() -> ConfigDocument.parse("sites:\n  a: [\n", false, Path.of("/tmp"), "x.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("x.yaml:");
        assertThatThrownBy(() -> ConfigDocument.parse("a: 1\na: 2\n", false, Path.of("/tmp"), "dup.yaml"))
                .hasMessageContaining("Duplicate field 'a'");
    }

    @Test
    void aBareOffMeansNoAccessLog() {
        assertThat(read("log: {access: off}").log().access()).isEqualTo("off");
        assertThat(read("log: {access: logs/access.log, format: json}").log().accessFile()).isEqualTo(Path.of("/tmp/logs/access.log"));
    }
}
