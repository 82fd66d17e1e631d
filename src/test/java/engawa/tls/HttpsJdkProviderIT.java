package engawa.tls;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.InProcessCli;
import engawa.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fallback when BoringSSL is not wanted or does not load: the JDK's TLS, forced by a system property. */
class HttpsJdkProviderIT {
    static TestServer t;
    static int https;

    @BeforeAll
    static void start() {
        System.setProperty("engawa.tls.provider", "jdk");
        try {
            t = TestServer.start(HttpsIT.CONFIG);
        } finally {
            System.clearProperty("engawa.tls.provider");
        }
        https = t.port("https");
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void theJdkServesBothVersionsAndEveryServerName() {
        assertThat(t.server().services().certificates().provider().name()).isEqualTo("jdk");
        for (String version : List.of("1.2", "1.3")) {
            for (var row : List.of(List.of("example.test", "301"), List.of("deep.example.test", "307"))) {
                var r = TlsClients.curl(HttpsIT.CA, row.get(0), https, "/", "--tlsv" + version, "--tls-max", version);
                assertThat(r.output()).as(version + " " + row.get(0)).contains("SSL connection using TLSv" + version)
                        .contains("status=" + row.get(1)).contains("ALPN: server accepted h2");
            }
        }
        String metrics = t.server().services().meters().scrape();
        assertThat(metrics.lines().filter(l -> l.startsWith("engawa_tls_handshakes_total{")
                && l.contains("provider=\"jdk\"") && l.contains("protocol=\"TLSv1.2\"") && l.contains("result=\"ok\"")))
                .isNotEmpty();
        assertThat(metrics).doesNotContain("provider=\"boringssl\"");
    }

    @Test
    void theInternalCertificateIsChosenBySniToo() throws Exception {
        var trust = InProcessCli.run("cert", "trust", "--data", t.dir().resolve("data").toString());
        Path ca = Files.writeString(t.dir().resolve("local-ca.crt"), trust.out());
        assertThat(TlsClients.curl(ca, "a.local.test", https, "/").output()).contains("status=303");
    }

    @Test
    void sessionsResume() throws Exception {
        Path session = Files.createTempFile(t.dir(), "session", ".pem");
        String request = "GET / HTTP/1.1\r\nHost: www.example.test\r\nConnection: close\r\n\r\n";
        var first = TlsClients.run(request, "openssl", "s_client", "-connect", "127.0.0.1:" + https, "-servername",
                "www.example.test", "-CAfile", HttpsIT.CA.toString(), "-ign_eof", "-sess_out", session.toString());
        assertThat(first.output()).contains("302 Found");
        var second = TlsClients.run(request, "openssl", "s_client", "-connect", "127.0.0.1:" + https, "-servername",
                "www.example.test", "-CAfile", HttpsIT.CA.toString(), "-ign_eof", "-sess_in", session.toString());
        assertThat(second.output()).contains("Reused, TLSv1.3").contains("302 Found");
    }
}
