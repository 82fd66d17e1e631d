package engawa.tls;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.config.ConfigDocument;
import engawa.server.EngawaServer;
import engawa.testing.InProcessCli;
import engawa.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code issuer: internal} end to end: the server issues for every host of the sites that use the
 * certificate, clients trusting the CA that {@code engawa cert trust} prints accept it, and the store keeps
 * CA and leaf across restarts and between nodes, issuing anew when the hosts change.
 */
class InternalIssuerIT {
    private static final String CONFIG = """
            listen: {https: "127.0.0.1:0"}
            certificates:
              local: {issuer: internal}
            sites:
              shop:
                hosts: [HOSTS]
                tls: local
                routes: [{path: /, redirect: {to: "https://elsewhere.example/", status: 302}}]
            """;

    private final Path dir = TestServer.newDir();

    @AfterEach
    void clean() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private EngawaServer start(String hosts) throws IOException {
        Path config = Files.writeString(dir.resolve("engawa.yaml"), CONFIG.replace("HOSTS", hosts));
        return EngawaServer.start(new EngawaServer.Options(config, dir.resolve("data"), null, 1));
    }

    private Path trustedCa() throws IOException {
        var trust = InProcessCli.run("cert", "trust", "--data", dir.resolve("data").toString());
        assertThat(trust.exit()).isZero();
        assertThat(trust.out()).startsWith("-----BEGIN CERTIFICATE-----");
        return Files.writeString(dir.resolve("engawa-ca.crt"), trust.out());
    }

    @Test
    void itIssuesForEveryHostAndKeepsTheCertificateAcrossRestartsAndNodes() throws Exception {
        X509Certificate served;
        try (EngawaServer server = start("shop.test, \"*.shop.test\"")) {
            int port = server.port("https");
            Path ca = trustedCa();
            for (String host : List.of("shop.test", "a.shop.test")) {
                assertThat(TlsClients.curl(ca, host, port, "/").output()).as(host)
                        .contains("status=302").contains("SSL certificate verify ok");
            }
            served = leaf(port, "a.shop.test", ca);
            assertThat(CertifiedKey.dnsNames(served)).containsExactlyInAnyOrder("shop.test", "*.shop.test");
        }
        try (EngawaServer again = start("shop.test, \"*.shop.test\"")) {
            Path ca = trustedCa();
            assertThat(leaf(again.port("https"), "shop.test", ca)).isEqualTo(served);

            // A second node following the same store serves the same certificate.
            try (EngawaServer other = EngawaServer.start(new EngawaServer.Options(null, dir.resolve("data"), null, 1))) {
                assertThat(leaf(other.port("https"), "shop.test", ca)).isEqualTo(served);
            }

            again.apply(ConfigDocument.parse(CONFIG.replace("HOSTS", "shop.test, \"*.shop.test\", shop.example"), dir), "add a host");
            X509Certificate grown = leaf(again.port("https"), "shop.example", ca);
            assertThat(grown).isNotEqualTo(served);
            assertThat(CertifiedKey.dnsNames(grown)).containsExactlyInAnyOrder("shop.test", "*.shop.test", "shop.example");
            assertThat(TlsClients.curl(ca, "shop.example", again.port("https"), "/").output()).contains("status=302");
        }
    }

    @Test
    void aCertificateNearItsEndIsRenewedUnderTheRunningSnapshot() throws Exception {
        try (EngawaServer server = start("shop.test")) {
            int port = server.port("https");
            Path ca = trustedCa();
            long revision = server.snapshot().revision();
            X509Certificate before = leaf(port, "shop.test", ca);
            Certificates certificates = server.services().certificates();
            assertThat(certificates.renewDue(Instant.now())).isZero();
            assertThat(leaf(port, "shop.test", ca)).isEqualTo(before);

            // Eleven months on, the year-long certificate has under 30 days left.
            assertThat(certificates.renewDue(Instant.now().plus(Duration.ofDays(340)))).isEqualTo(1);
            X509Certificate after = leaf(port, "shop.test", ca);
            assertThat(after).isNotEqualTo(before);
            assertThat(CertifiedKey.dnsNames(after)).containsExactly("shop.test");
            assertThat(server.snapshot().revision()).isEqualTo(revision);
            assertThat(certificates.stored("local").orElseThrow().leaf()).isEqualTo(after);
            assertThat(TlsClients.curl(ca, "shop.test", port, "/").output()).contains("status=302");
        }
    }

    /** The leaf certificate a handshake presents, verified against {@code caFile}. */
    static X509Certificate leaf(int port, String serverName, Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        try (SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port)) {
            var p = s.getSSLParameters();
            p.setServerNames(List.of(new SNIHostName(serverName)));
            s.setSSLParameters(p);
            s.setSoTimeout(20_000);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }
}
