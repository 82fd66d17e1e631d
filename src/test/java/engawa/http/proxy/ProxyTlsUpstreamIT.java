package engawa.http.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.store.Store;
import engawa.testing.Http;
import engawa.testing.TestServer;
import engawa.testing.TestUpstream;
import engawa.tls.CertifiedKey;
import engawa.tls.InternalCa;
import engawa.upstream.UpstreamStatus;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code https://} upstream servers: verified against the JVM's trust store (here a private CA put there
 * with {@code -Djavax.net.ssl.trustStore}, as an operator would) and by host name.
 */
class ProxyTlsUpstreamIT {
    private static final String[] PROPS = {"javax.net.ssl.trustStore", "javax.net.ssl.trustStoreType", "javax.net.ssl.trustStorePassword"};
    private static final String[] saved = new String[PROPS.length];
    private static TestUpstream good;
    private static TestUpstream wrongName;
    private static TestServer t;

    @BeforeAll
    static void start() throws Exception {
        Path dir = TestServer.newDir();
        InternalCa ca;
        try (Store store = Store.open(dir.resolve("ca"), null)) {
            ca = InternalCa.loadOrCreate(store);
        }
        good = TestUpstream.start("secure", server(ca.issue(List.of("localhost"), Duration.ofDays(1))));
        wrongName = TestUpstream.start("impostor", server(ca.issue(List.of("other.test"), Duration.ofDays(1))));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("engawa-test-ca", ca.certificate());
        Path file = dir.resolve("trust.p12");
        try (OutputStream out = Files.newOutputStream(file)) {
            trust.store(out, "changeit".toCharArray());
        }
        for (int i = 0; i < PROPS.length; i++) {
            saved[i] = System.getProperty(PROPS[i]);
        }
        System.setProperty(PROPS[0], file.toString());
        System.setProperty(PROPS[1], "PKCS12");
        System.setProperty(PROPS[2], "changeit");
        t = TestServer.start("""
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  secure:
                    servers: ["%s"]
                    health_check: {path: /healthz, interval: 200ms, timeout: 3s, fall: 1, rise: 1}
                  impostor:
                    servers: ["%s"]
                    health_check: {path: /healthz, interval: 200ms, timeout: 3s, fall: 1, rise: 1}
                sites:
                  s:
                    hosts: [app.test]
                    routes:
                      - {path: /, proxy: secure}
                      - {path: /impostor/, proxy: impostor}
                """.formatted(good.url(), wrongName.url()));
    }

    private static SslContext server(CertifiedKey key) throws Exception {
        return SslContextBuilder.forServer(key.key(), key.chain()).build();
    }

    @AfterAll
    static void stop() {
        t.close();
        good.close();
        wrongName.close();
        for (int i = 0; i < PROPS.length; i++) {
            if (saved[i] == null) {
                System.clearProperty(PROPS[i]);
            } else {
                System.setProperty(PROPS[i], saved[i]);
            }
        }
    }

    private static UpstreamStatus status(String upstream) {
        return t.server().services().upstreams().status().stream().filter(s -> s.upstream().equals(upstream)).findFirst().orElseThrow();
    }

    @Test
    void requestsGoOverTlsToAVerifiedServer() {
        for (int i = 0; i < 5; i++) {
            var r = Http.send(HttpRequest.newBuilder(URI.create(t.httpUrl() + "/x")).header("Host", "app.test"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("secure");
        }
        assertThat(good.lastReceived().headers().get("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(good.requestConnections()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> status("secure").lastCheck().startsWith("200 OK"));
    }

    @Test
    void aServerWhoseCertificateNamesAnotherHostGetsNoRequest() {
        var r = Http.send(HttpRequest.newBuilder(URI.create(t.httpUrl() + "/impostor/x")).header("Host", "app.test"));
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(wrongName.requests()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> status("impostor").lastCheck().startsWith("TLS handshake failed"));
        assertThat(status("impostor").healthy()).isFalse();
    }
}
