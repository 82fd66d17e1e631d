package engawa.tls;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.InProcessCli;
import engawa.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/** {@code engawa cert internal} and {@code engawa cert trust}: files a user can hand to any TLS server, and exit codes. */
class CertCommandIT {
    private final Path dir = TestServer.newDir();
    private final String data = dir.resolve("data").toString();

    @Test
    void internalWritesACertificateAndKeyThatOpensslVerifiesAgainstTheTrustedCa() throws Exception {
        Path out = dir.resolve("out");
        var issued = InProcessCli.run("cert", "internal", "--data", data, "--out", out.toString(), "app.test", "*.app.test");
        assertThat(issued.exit()).as(issued.err()).isZero();
        assertThat(issued.out()).contains(out.resolve("app.test+1.crt") + ": certificate for app.test, *.app.test, issued by Engawa Local CA ");
        Path crt = out.resolve("app.test+1.crt");
        Path key = out.resolve("app.test+1.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");

        var trust = InProcessCli.run("cert", "trust", "--data", data);
        assertThat(trust.exit()).isZero();
        assertThat(trust.err()).contains("update-ca-certificates").contains("curl --cacert engawa-ca.crt")
                .contains("keytool -importcert");
        Path ca = Files.writeString(dir.resolve("engawa-ca.crt"), trust.out());
        assertThat(TlsClients.run("", "openssl", "verify", "-CAfile", ca.toString(), "-purpose", "sslserver", crt.toString()).output())
                .contains(crt + ": OK");
        assertThat(TlsClients.run("", "openssl", "x509", "-in", crt.toString(), "-noout", "-ext", "subjectAltName").output())
                .contains("DNS:app.test, DNS:*.app.test");
        var matches = new CertifiedKey(PemFiles.readChain(crt), PemFiles.readKey(key));
        assertThat(matches.keyMatchesLeaf()).isTrue();
        // The same CA every time.
        assertThat(InProcessCli.run("cert", "trust", "--data", data).out()).isEqualTo(trust.out());
    }

    @Test
    void wildcardFirstNamesItsFilesReadably() {
        Path out = dir.resolve("w");
        assertThat(InProcessCli.run("cert", "internal", "--data", data, "--out", out.toString(), "*.w.test").exit()).isZero();
        assertThat(out.resolve("_wildcard.w.test.crt")).isRegularFile();
        assertThat(out.resolve("_wildcard.w.test.key")).isRegularFile();
    }

    @Test
    void badUsageExits2AndFailuresExit1() {
        var bad = InProcessCli.run("cert", "internal", "--data", data, "not a host");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("\"not a host\" is not a host name");
        assertThat(InProcessCli.run("cert", "internal", "--data", data).exit()).isEqualTo(2);
        assertThat(InProcessCli.run("cert").exit()).isEqualTo(2);
        var failed = InProcessCli.run("cert", "trust", "--store", "mysql://nope");
        assertThat(failed.exit()).isEqualTo(1);
        assertThat(failed.err()).contains("is not a jdbc:postgresql:// or jdbc:sqlite: URL");
        assertThat(InProcessCli.run("cert", "trust", "--help").exit()).isZero();
    }
}
