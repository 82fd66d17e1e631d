package engawa.tls;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.config.ConfigDocument;
import engawa.testing.Examples;
import engawa.testing.Http;
import engawa.testing.InProcessCli;
import engawa.testing.RawHttp;
import engawa.testing.TestServer;
import io.netty.handler.ssl.OpenSsl;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The https listener with real handshakes from curl, openssl s_client and the JDK: certificates by SNI
 * (exact, wildcard, a second certificate from the internal CA, the default for unknown names), TLS 1.2
 * and 1.3, ALPN, session resumption, BoringSSL doing the work, http-to-https redirects, and a revision
 * that swaps certificates under a listener that stays up.
 */
class HttpsIT {
    static final Path CA = Examples.dir().resolve("certs/ca.crt");

    static String config(Path examples, String exampleCert, String exampleKey) {
        return """
                listen: {http: "127.0.0.1:0", https: "127.0.0.1:0"}
                certificates:
                  example: {cert_file: %s, key_file: %s}
                  local: {issuer: internal}
                sites:
                  apex:
                    hosts: [example.test]
                    tls: example
                    routes: [{path: /, redirect: {to: "https://apex.example/", status: 301}}]
                  www:
                    hosts: [www.example.test]
                    tls: example
                    redirect_https: true
                    routes: [{path: /, redirect: {to: "https://www.example/", status: 302}}]
                  wild:
                    hosts: ["*.example.test"]
                    tls: example
                    routes: [{path: /, redirect: {to: "https://wild.example/", status: 307}}]
                  local:
                    hosts: [local.test, "*.local.test"]
                    tls: local
                    routes: [{path: /, redirect: {to: "https://local.example/", status: 303}}]
                """.formatted(exampleCert, exampleKey).replace("EXAMPLES", examples.toString());
    }

    static final String CONFIG = config(Examples.dir(), "EXAMPLES/certs/example.test.crt", "EXAMPLES/certs/example.test.key");

    static TestServer t;
    static int https;
    /** The internal CA as {@code engawa cert trust} prints it. */
    static Path localCa;

    @BeforeAll
    static void start() throws Exception {
        t = TestServer.start(CONFIG);
        https = t.port("https");
        var trust = InProcessCli.run("cert", "trust", "--data", t.dir().resolve("data").toString());
        assertThat(trust.exit()).isZero();
        localCa = Files.writeString(t.dir().resolve("local-ca.crt"), trust.out());
    }

    @AfterAll
    static void stop() {
        t.close();
    }

    @Test
    void twoServerNamesAndAWildcardReachTheirSitesOverVerifiedTls() {
        for (var row : List.of(List.of("example.test", "301"), List.of("www.example.test", "302"),
                List.of("deep.example.test", "307"))) {
            var r = TlsClients.curl(CA, row.get(0), https, "/");
            assertThat(r.output()).as(row.get(0)).contains("status=" + row.get(1))
                    .contains("subject: CN=example.test").contains("SSL certificate verify ok");
        }
    }

    @Test
    void tls12AndTls13CanEachBeForced() {
        var v12 = TlsClients.curl(CA, "www.example.test", https, "/", "--tlsv1.2", "--tls-max", "1.2");
        assertThat(v12.output()).contains("SSL connection using TLSv1.2").contains("status=302");
        var v13 = TlsClients.curl(CA, "www.example.test", https, "/", "--tlsv1.3");
        assertThat(v13.output()).contains("SSL connection using TLSv1.3").contains("status=302");
        assertThat(TlsClients.sClient(https, "www.example.test", CA, "-tls1_2").output())
                .contains("Protocol version: TLSv1.2").contains("Verification: OK");
        assertThat(TlsClients.sClient(https, "www.example.test", CA, "-tls1_3").output())
                .contains("Protocol version: TLSv1.3").contains("Verification: OK");
    }

    @Test
    void tls11AndOlderAreRefused() {
        var r = TlsClients.sClient(https, "www.example.test", CA, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0");
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).doesNotContain("Protocol version: TLSv1.1");
        assertThat(TlsClients.curl(CA, "www.example.test", https, "/").output()).contains("status=302");
    }

    @Test
    void aSecondCertificateFromTheInternalCaIsChosenBySni() {
        for (String host : List.of("local.test", "x.local.test")) {
            var r = TlsClients.curl(localCa, host, https, "/");
            assertThat(r.output()).as(host).contains("status=303").contains("SSL certificate verify ok")
                    .contains("issuer: O=Engawa local development CA; CN=Engawa Local CA");
        }
        // The example CA does not vouch for it: the certificate really is another one.
        assertThat(TlsClients.curl(CA, "local.test", https, "/").exit()).isNotZero();
    }

    @Test
    void anUnknownOrMissingServerNameGetsTheFirstCertificateAndThen404() {
        assertThat(TlsClients.sClient(https, "nobody.test", CA).output()).contains("Peer certificate: CN = example.test");
        assertThat(TlsClients.sClient(https, null, CA).output()).contains("Peer certificate: CN = example.test");
        var r = TlsClients.curl(CA, "nobody.test", https, "/", "-k");
        assertThat(r.output()).contains("status=404").contains("subject: CN=example.test");
    }

    @Test
    void alpnPrefersHttp2AndFallsBackToHttp11() {
        assertThat(TlsClients.curl(CA, "www.example.test", https, "/").output()).contains("ALPN: server accepted h2")
                .contains("< HTTP/2 302");
        assertThat(TlsClients.curl(CA, "www.example.test", https, "/", "--http1.1").output())
                .contains("ALPN: server accepted http/1.1").contains("< HTTP/1.1 302");
        var offered = TlsClients.run("", "openssl", "s_client", "-connect", "127.0.0.1:" + https, "-servername",
                "www.example.test", "-CAfile", CA.toString(), "-alpn", "http/1.1");
        assertThat(offered.output()).contains("ALPN protocol: http/1.1");
        // A client that offers no ALPN at all gets HTTP/1.1.
        String request = "GET / HTTP/1.1\r\nHost: www.example.test\r\nConnection: close\r\n\r\n";
        var none = TlsClients.run(request, "openssl", "s_client", "-connect", "127.0.0.1:" + https, "-servername",
                "www.example.test", "-CAfile", CA.toString(), "-ign_eof");
        assertThat(none.output()).contains("No ALPN negotiated").contains("HTTP/1.1 302 Found");
    }

    @Test
    void sessionsResumeOnTls12AndTls13() throws Exception {
        for (String version : List.of("-tls1_2", "-tls1_3")) {
            Path session = Files.createTempFile(t.dir(), "session", ".pem");
            String request = "GET / HTTP/1.1\r\nHost: www.example.test\r\nConnection: close\r\n\r\n";
            var first = TlsClients.run(request, "openssl", "s_client", "-connect", "127.0.0.1:" + https, "-servername",
                    "www.example.test", "-CAfile", CA.toString(), version, "-ign_eof", "-sess_out", session.toString());
            assertThat(first.output()).as(version).contains("New, TLSv1.").contains("302 Found");
            var second = TlsClients.run(request, "openssl", "s_client", "-connect", "127.0.0.1:" + https, "-servername",
                    "www.example.test", "-CAfile", CA.toString(), version, "-ign_eof", "-sess_in", session.toString());
            assertThat(second.output()).as(version).contains("Reused, TLSv1.").contains("302 Found");
        }
    }

    @Test
    void boringSslRunsTheHandshakes() {
        assertThat(OpenSsl.isAvailable()).as("netty-tcnative loads: " + OpenSsl.unavailabilityCause()).isTrue();
        assertThat(t.server().services().certificates().provider().name()).isEqualTo("boringssl");
        assertThat(TlsClients.curl(CA, "www.example.test", https, "/", "--tlsv1.3").output()).contains("status=302");
        String metrics = t.server().services().meters().scrape();
        assertThat(metrics.lines().filter(l -> l.startsWith("engawa_tls_handshakes_total{")
                && l.contains("provider=\"boringssl\"") && l.contains("protocol=\"TLSv1.3\"") && l.contains("result=\"ok\"")))
                .isNotEmpty();
        assertThat(metrics).contains("engawa_tls_provider{provider=\"boringssl\"} 1");
    }

    @Test
    void plainHttpRedirectsToHttpsWhenTheSiteAsks() {
        var r = Http.get(t.httpUrl() + "/page?q=1", "www.example.test");
        assertThat(r.statusCode()).isEqualTo(308);
        String location = r.headers().firstValue("location").orElseThrow();
        assertThat(location).isEqualTo("https://www.example.test:" + https + "/page?q=1");
        var followed = TlsClients.run("", "curl", "-sS", "-o", "/dev/null", "-w", "status=%{http_code}", "--max-time", "30",
                "--cacert", CA.toString(), "--resolve", "www.example.test:" + https + ":127.0.0.1", location);
        assertThat(followed.output()).contains("status=302");
        // A site that does not ask is served over plain HTTP.
        assertThat(Http.get(t.httpUrl() + "/", "example.test").statusCode()).isEqualTo(301);
    }

    @Test
    void plainHttpOnTheTlsPortIsDroppedAndTlsGoesOn() {
        String answer = RawHttp.exchange(https, "GET / HTTP/1.1\r\nHost: www.example.test\r\n\r\n", 5000);
        assertThat(answer).doesNotContain("HTTP/1.1");
        assertThat(TlsClients.curl(CA, "www.example.test", https, "/").output()).contains("status=302");
    }

    @Test
    void aRevisionSwapsCertificatesWhileTheListenerAndItsConnectionsStayUp() throws Exception {
        long first = t.server().snapshot().revision();
        try (SSLSocket open = connect(https, "www.example.test")) {
            assertThat(get(open, "www.example.test")).startsWith("HTTP/1.1 302");

            Path out = t.dir().resolve("swapped");
            var issued = InProcessCli.run("cert", "internal", "--data", t.dir().resolve("data").toString(), "--out",
                    out.toString(), "example.test", "*.example.test");
            assertThat(issued.exit()).as(issued.err()).isZero();
            String swapped = config(Examples.dir(), out.resolve("example.test+1.crt").toString(), out.resolve("example.test+1.key").toString());
            t.server().apply(ConfigDocument.parse(swapped, t.dir()), "swap certificates");

            assertThat(t.port("https")).isEqualTo(https);
            var fresh = TlsClients.curl(localCa, "www.example.test", https, "/");
            assertThat(fresh.output()).contains("status=302").contains("issuer: O=Engawa local development CA");
            assertThat(TlsClients.curl(CA, "www.example.test", https, "/").exit()).isNotZero();
            // The connection made before the swap keeps its session and is still served.
            assertThat(get(open, "www.example.test")).startsWith("HTTP/1.1 302");
        } finally {
            t.server().rollback(first);
        }
        assertThat(TlsClients.curl(CA, "www.example.test", https, "/").output()).contains("status=302")
                .contains("issuer: CN=Engawa Example Test CA");
    }

    static SSLSocket connect(int port, String serverName) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (var in = Files.newInputStream(CA)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ssl.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(List.of(new SNIHostName(serverName)));
        s.setSSLParameters(p);
        s.setSoTimeout(20_000);
        s.startHandshake();
        return s;
    }

    /** One keep-alive request on an open connection; returns the status line. */
    static String get(SSLSocket s, String host) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String status = in.readLine();
        String line;
        while ((line = in.readLine()) != null && !line.isEmpty()) {
            // headers; the redirect has no body (content-length: 0)
        }
        return status;
    }
}
