package engawa.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import engawa.config.ConfigDocument;
import engawa.config.ConfigException;
import engawa.config.ConfigProblem;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotCompiler;
import engawa.store.Store;
import engawa.testing.Examples;
import engawa.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What compiling {@code certificates:} refuses, each error at its path, and what it only warns about. */
class TlsValidationTest {
    private static final String EXAMPLE = """
            certificates:
              example: {cert_file: EX/certs/example.test.crt, key_file: EX/certs/example.test.key}
            """;

    private final Path dir = TestServer.newDir();

    private SnapshotCompiler.Compiled compile(String yaml) {
        try (Services dry = Services.dry(null, null)) {
            return new SnapshotCompiler(dry).compile(
                    ConfigDocument.parse(yaml.replace("EX/", Examples.dir() + "/"), dir), 0);
        }
    }

    private List<String> errors(String yaml) {
        try {
            compile(yaml);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("compiled without errors");
    }

    @Test
    void aSiteCertificateMustCoverEachOfItsHosts() {
        assertThat(errors(EXAMPLE + """
                sites:
                  parrot:
                    hosts: [www.example.test, www.other.test, a.b.example.test, "*.example.test", "*.b.example.test"]
                    tls: example
                """)).containsExactly(
                "sites.parrot.hosts[1]: certificate \"example\" does not cover \"www.other.test\" "
                        + "(it covers example.test, *.example.test, *.tunnel.example.test)",
                "sites.parrot.hosts[2]: certificate \"example\" does not cover \"a.b.example.test\" "
                        + "(it covers example.test, *.example.test, *.tunnel.example.test)",
                "sites.parrot.hosts[4]: certificate \"example\" does not cover \"*.b.example.test\" "
                        + "(it covers example.test, *.example.test, *.tunnel.example.test)");
    }

    @Test
    void theTunnelCertificateMustCoverEveryTunnelName() {
        assertThat(errors(EXAMPLE + "tunnels: {domain: tunnels.other.test, tls: example}\n")).containsExactly(
                "tunnels.tls: certificate \"example\" does not cover \"*.tunnels.other.test\" "
                        + "(it covers example.test, *.example.test, *.tunnel.example.test) "
                        + "(tunnel NAME is served at NAME.tunnels.other.test)");
        compile(EXAMPLE + "tunnels: {domain: tunnel.example.test, tls: example}\n");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsAnError() throws Exception {
        CertifiedKey other = TestCertificates.selfSigned(List.of("example.test"), Instant.now(), Instant.now().plus(Duration.ofDays(1)));
        Files.writeString(dir.resolve("other.key"), PemFiles.encodeKey(other.key()));
        assertThat(errors("""
                certificates:
                  example: {cert_file: EX/certs/example.test.crt, key_file: other.key}
                """)).singleElement().asString()
                .startsWith("certificates.example.key_file: the key in " + dir.resolve("other.key") + " does not belong to the first certificate in ");
    }

    @Test
    void filesThatAreNotPemAreErrorsAtTheirPaths() throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "not a certificate\n");
        Files.write(dir.resolve("binary.der"), new byte[] {0x30, (byte) 0x82, 0x01, (byte) 0xff});
        assertThat(errors("""
                certificates:
                  a: {cert_file: notes.txt, key_file: EX/certs/example.test.crt}
                  b: {cert_file: binary.der, key_file: EX/certs/example.test.key}
                """)).containsExactly(
                "certificates.a.cert_file: " + dir.resolve("notes.txt") + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                "certificates.a.key_file: " + Examples.dir().resolve("certs/example.test.crt")
                        + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)",
                "certificates.b.cert_file: " + dir.resolve("binary.der")
                        + " is not a PEM file (binary content; DER files must be converted to PEM)");
    }

    @Test
    void errorsOfEverySortAreReportedTogether() throws Exception {
        Files.writeString(dir.resolve("empty.crt"), "");
        List<String> errors = errors(EXAMPLE + """
                  broken: {cert_file: empty.crt, key_file: EX/certs/example.test.key}
                sites:
                  a: {hosts: [www.other.test], tls: example}
                """);
        assertThat(errors).hasSize(2);
        assertThat(errors.get(0)).startsWith("certificates.broken.cert_file:");
        assertThat(errors.get(1)).startsWith("sites.a.hosts[0]: certificate \"example\" does not cover \"www.other.test\"");
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsOnlyAWarning() {
        TestCertificates.write(TestCertificates.selfSigned(List.of("old.test"), Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2021-01-01T00:00:00Z")), dir, "old");
        TestCertificates.write(TestCertificates.selfSigned(List.of("new.test"), Instant.now().plus(Duration.ofDays(2)),
                Instant.now().plus(Duration.ofDays(30))), dir, "new");
        var compiled = compile("""
                certificates:
                  old: {cert_file: old.crt, key_file: old.key}
                  new: {cert_file: new.crt, key_file: new.key}
                sites:
                  a: {hosts: [old.test], tls: old}
                """);
        assertThat(compiled.warnings()).extracting(ConfigProblem::toString).satisfiesExactly(
                w -> assertThat(w).isEqualTo("certificates.old.cert_file: the certificate in " + dir.resolve("old.crt")
                        + " expired on 2021-01-01 00:00 UTC: clients will refuse it"),
                w -> assertThat(w).startsWith("certificates.new.cert_file: the certificate in " + dir.resolve("new.crt")
                        + " is not valid before "));
    }

    @Test
    void anInternalCertificateCoversItsHostsByConstructionAndADryCompileWritesNothing() {
        String yaml = """
                listen: {https: "127.0.0.1:0"}
                certificates:
                  local: {issuer: internal}
                sites:
                  a: {hosts: [a.test, "*.a.test"], tls: local}
                tunnels: {domain: t.test, tls: local}
                """;
        try (Store store = Store.open(dir.resolve("data"), null); Services dry = Services.dry(store, dir)) {
            var compiled = new SnapshotCompiler(dry).compile(ConfigDocument.parse(yaml, dir), 0);
            assertThat(compiled.warnings()).isEmpty();
            assertThat(compiled.snapshot().tls().entry("local").key()).isNull();
            assertThat(store.values(Certificates.ISSUED)).isEmpty();
            assertThat(store.values(InternalCa.NAMESPACE)).isEmpty();
        }
    }

    @Test
    void httpsWithoutAnyCertificateIsAWarning() {
        assertThat(compile("listen: {https: \"127.0.0.1:0\"}\n").warnings()).extracting(ConfigProblem::toString)
                .containsExactly("listen.https: no certificates: every TLS handshake fails until one is configured");
    }

    @Test
    void certificatesNamedNowhereAreNotIssued() {
        assertThatThrownBy(() -> compile("sites: {a: {hosts: [a.test], tls: nope}}\n"))
                .hasMessageContaining("sites.a.tls: no certificate named \"nope\"");
    }
}
