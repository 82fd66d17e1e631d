package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A real HTTP server on 127.0.0.1 exposed through a tunnel and fetched with curl through the edge. */
class TunnelHttpIT {
    private static TunnelFixture f;
    private static TestBackend backend;
    private static TunnelFixture.Client demo;

    @BeforeAll
    static void start() {
        f = TunnelFixture.start("grace: 5s", """
                sites:
                  exact:
                    hosts: [www.tunnel.example.test]
                    routes: [{path: /, redirect: {to: "https://elsewhere.test/", status: 301}}]
                """);
        backend = new TestBackend();
        demo = f.client("demo", backend.port());
    }

    @AfterAll
    static void stop() {
        f.close();
        backend.close();
    }

    @Test
    void aLocalServiceIsServedAtItsNameWithForwardedHeaders() {
        var r = f.curl("demo", "/hello", "-i");
        assertThat(r.exit()).isZero();
        assertThat(r.text()).startsWith("HTTP/1.1 200").contains("hello from the backend");
        String headers = f.curl("demo", "/headers", "-H", "X-Forwarded-For: 203.0.113.9").text();
        assertThat(headers).contains("host: demo.tunnel.example.test:" + f.httpPort())
                .contains("x-forwarded-for: 203.0.113.9, 127.0.0.1")
                .contains("x-forwarded-proto: http")
                .contains("x-forwarded-host: demo.tunnel.example.test:" + f.httpPort());
        await().atMost(Duration.ofSeconds(10)).until(() -> demo.lines.stream().anyMatch(l -> l.target().equals("/hello") && l.status() == 200));
    }

    @Test
    void overHttpsTheTunnelNameGetsTheTunnelCertificate() {
        var r = f.curlHttps("demo", "/headers", "-i");
        assertThat(r.exit()).as(r.err()).isZero();
        // curl and the https listener agree on HTTP/2 (ALPN); the tunnel carries it as any other request.
        assertThat(r.text()).startsWith("HTTP/2 200").contains("x-forwarded-proto: https");
        assertThat(demo.events).anyMatch(e -> e.contains("https://demo.tunnel.example.test:" + f.server.port("https")));
    }

    @Test
    void bodiesStreamBothWaysOverHttps() throws Exception {
        long n = 10L << 20;
        Path file = Files.createTempFile("engawa-upload-", ".bin");
        try {
            try (var in = TestBackend.patternStream(n)) {
                Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            var up = f.curlHttps("demo", "/sha256", "--data-binary", "@" + file);
            assertThat(up.exit()).as(up.err()).isZero();
            assertThat(up.text().trim()).isEqualTo(n + " " + TestBackend.patternSha256(n));
            var down = f.curlHttps("demo", "/bytes/" + n, "-o", "-");
            assertThat(TunnelFixture.sha256(down.out())).isEqualTo(TestBackend.patternSha256(n));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void theAdminApiListsTunnelsWithTheirClientsAndTraffic() {
        f.curl("demo", "/hello");
        String json = f.admin("/api/v1/tunnels").text();
        assertThat(json).contains("\"name\":\"demo\"").contains("\"kind\":\"http\"").contains("\"token\":\"dev\"")
                .contains("\"address\":\"127.0.0.1:").containsPattern("\"requests\":[1-9]").containsPattern("\"bytes_out\":[1-9]");
        String metrics = f.admin("/metrics").text();
        assertThat(metrics).containsPattern("engawa_tunnel_requests_total [1-9]").contains("engawa_tunnel_clients 1.0")
                .contains("engawa_tunnel_handshakes_total{outcome=\"opened\"}");
    }

    @Test
    void anUnknownNameIs404AndAnExactSiteWinsOverTheTunnelDomain() {
        var r = f.curl("nobody", "/hello", "-i");
        assertThat(r.text()).startsWith("HTTP/1.1 404").contains("no tunnel named \"nobody\"");
        var exact = f.curl("www", "/x", "-i");
        assertThat(exact.text()).startsWith("HTTP/1.1 301").contains("location: https://elsewhere.test/");
    }

    @Test
    void linkHeadersFromThePublicNeverReachTheClient() {
        String headers = f.curl("demo", "/headers", "-H", "X-Engawa-Upgrade: websocket", "-H", "x-engawa-switched: 101").text();
        assertThat(headers).doesNotContain("x-engawa");
    }

    @Test
    void aHundredConcurrentRequestsAllArrive() {
        List<String> args = new ArrayList<>(List.of("curl", "-sS", "--max-time", "120", "-Z", "--parallel-max", "100",
                "--resolve", "demo." + TunnelFixture.DOMAIN + ":" + f.httpPort() + ":127.0.0.1", "-w", "%{http_code} %{size_download}\\n"));
        for (int i = 0; i < 100; i++) {
            args.add("http://demo." + TunnelFixture.DOMAIN + ":" + f.httpPort() + "/slow/" + (200 + i % 5));
            args.add("-o");
            args.add("/dev/null");
        }
        int before = backend.requests.get();
        var r = TunnelFixture.run(args);
        assertThat(r.exit()).isZero();
        assertThat(r.text().lines().toList()).hasSize(100).allMatch(l -> l.startsWith("200 "));
        assertThat(backend.requests.get() - before).isEqualTo(100);
    }

    @Test
    void a100MiBDownloadArrivesWhole() throws Exception {
        long n = 100L << 20;
        var r = f.curl("demo", "/bytes/" + n, "-o", "-");
        assertThat(r.exit()).isZero();
        assertThat((long) r.out().length).isEqualTo(n);
        assertThat(TunnelFixture.sha256(r.out())).isEqualTo(TestBackend.patternSha256(n));
    }

    @Test
    void a100MiBUploadArrivesWhole() throws Exception {
        long n = 100L << 20;
        Path file = Files.createTempFile("engawa-upload-", ".bin");
        try {
            try (var in = TestBackend.patternStream(n)) {
                Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            var r = f.curl("demo", "/sha256", "--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream");
            assertThat(r.exit()).isZero();
            assertThat(r.text().trim()).isEqualTo(n + " " + TestBackend.patternSha256(n));
            // Chunked, of unknown length, too.
            var chunked = f.curl("demo", "/sha256", "--data-binary", "@" + file, "-H", "Transfer-Encoding: chunked");
            assertThat(chunked.text().trim()).isEqualTo(n + " " + TestBackend.patternSha256(n));
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void aWebSocketEchoesThroughTheTunnel() throws Exception {
        try (var ws = WebSocketProbe.open("127.0.0.1", f.httpPort(), "demo." + TunnelFixture.DOMAIN, "/ws")) {
            assertThat(ws.handshake()).startsWith("HTTP/1.1 101").containsIgnoringCase("upgrade: websocket");
            ws.sendText("hello through the tunnel");
            assertThat(ws.readText()).isEqualTo("hello through the tunnel");
            byte[] big = new byte[300_000];
            new java.util.Random(7).nextBytes(big);
            ws.sendBinary(big);
            assertThat(ws.readBinary()).isEqualTo(big);
            ws.sendText("bye");
            assertThat(ws.readText()).isEqualTo("bye");
        }
    }

    static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }
}
