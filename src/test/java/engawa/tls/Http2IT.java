package engawa.tls;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.Examples;
import engawa.testing.TestServer;
import engawa.testing.TestUpstream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 on the https listener, chosen by ALPN: each stream is an exchange through the same dispatcher as
 * HTTP/1.1, so routes, static files and the proxy work unchanged. Driven by curl --http2 and h2load.
 */
class Http2IT {
    private TestUpstream app;
    private TestServer t;
    private int https;
    private Path root;
    private byte[] big;

    @BeforeEach
    void start() throws Exception {
        app = TestUpstream.start("app");
        Path dir = TestServer.newDir();
        root = Files.createDirectories(dir.resolve("site"));
        Files.writeString(root.resolve("index.html"), "<h1>h2</h1>\n");
        big = new byte[4 * 1024 * 1024 + 3];
        new Random(11).nextBytes(big);
        Files.write(root.resolve("big.bin"), big);
        t = TestServer.start(dir, """
                listen: {https: "127.0.0.1:0"}
                certificates:
                  example: {cert_file: EX/certs/example.test.crt, key_file: EX/certs/example.test.key}
                upstreams:
                  app: {servers: [{url: "APP"}]}
                sites:
                  www:
                    hosts: [www.example.test]
                    tls: example
                    routes:
                      - {path: /, static: {root: site}}
                      - {path: /api/, proxy: app}
                      - {path: /upload, proxy: app}
                      - {path: /old/, redirect: {to: "https://www.example.test/new", status: 308}}
                """.replace("EX/", Examples.dir() + "/").replace("APP", app.url()));
        https = t.port("https");
    }

    @AfterEach
    void stop() {
        t.close();
        app.close();
    }

    private String url(String path) {
        return "https://www.example.test:" + https + path;
    }

    private TlsClients.Result curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--http2", "--max-time", "60", "--cacert",
                HttpsIT.CA.toString(), "--resolve", "www.example.test:" + https + ":127.0.0.1"));
        cmd.addAll(List.of(args));
        return TlsClients.run("", cmd.toArray(String[]::new));
    }

    @Test
    void routesAnswerOverHttp2OnTls12AndTls13() {
        for (String version : List.of("1.2", "1.3")) {
            var r = curl("-v", "-o", "/dev/null", "--tlsv" + version, "--tls-max", version, url("/old/x"));
            assertThat(r.output()).as(version).contains("SSL connection using TLSv" + version)
                    .contains("ALPN: server accepted h2").contains("< HTTP/2 308")
                    .contains("< location: https://www.example.test/new");
        }
        assertThat(curl("-o", "/dev/null", "-w", "%{http_code}", url("/missing")).output()).isEqualTo("404");
    }

    @Test
    void aLargeStaticFileArrivesWhole() throws Exception {
        Path got = root.resolveSibling("got.bin");
        var r = curl("-o", got.toString(), "-w", "%{http_code} %{http_version}", url("/big.bin"));
        assertThat(r.output()).isEqualTo("200 2");
        assertThat(Files.readAllBytes(got)).isEqualTo(big);
        var range = curl("-r", "1-4", "-w", " %{http_code}", url("/index.html"));
        assertThat(range.output()).isEqualTo("h1>h 206");
    }

    @Test
    void manyStreamsShareOneConnection() {
        List<String> cmd = new ArrayList<>(List.of("--parallel", "--parallel-max", "50", "-w", "%{http_code} %{http_version}\\n"));
        for (int i = 0; i < 50; i++) {
            cmd.addAll(List.of("-o", "/dev/null", url(i % 2 == 0 ? "/index.html" : "/api/item/" + i)));
        }
        var r = curl(cmd.toArray(String[]::new));
        assertThat(r.output().lines().filter(l -> l.equals("200 2")).count()).as(r.output()).isEqualTo(50);
        assertThat(app.requests()).isEqualTo(25);
    }

    @Test
    void proxiedRequestsCarryTheirBodyAndNoHttp2Artifacts() throws Exception {
        byte[] body = new byte[1_500_000];
        new Random(5).nextBytes(body);
        Path upload = Files.write(root.resolveSibling("upload.bin"), body);
        var r = curl("--data-binary", "@" + upload, "-H", "content-type: application/octet-stream", url("/upload"));
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        assertThat(r.output()).isEqualTo(body.length + " " + sha);
        var seen = app.lastReceived();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.headers().get("host")).isEqualTo("www.example.test:" + https);
        assertThat(seen.headers().get("x-forwarded-proto")).isEqualTo("https");
        assertThat(seen.headers().names()).noneMatch(n -> n.toLowerCase().startsWith("x-http2"));

        var proxied = curl("-D", "-", "-o", "/dev/null", url("/api/hello"));
        assertThat(proxied.output()).startsWith("HTTP/2 200").contains("x-upstream: app");
    }

    @Test
    void h2loadGetsEveryResponse() {
        var r = TlsClients.run("", "h2load", "-n", "600", "-c", "4", "-m", "16", "-H", ":authority: www.example.test",
                "https://127.0.0.1:" + https + "/index.html");
        assertThat(r.output()).contains("Application protocol: h2").contains("600 succeeded, 0 failed, 0 errored")
                .contains("status codes: 600 2xx");
    }

    @Test
    void drainingLetsAStreamInFlightFinish() throws Exception {
        Path got = root.resolveSibling("slow.bin");
        var download = CompletableFuture.supplyAsync(() -> curl("--limit-rate", "2M", "-o", got.toString(), "-w", "%{http_code}",
                url("/big.bin")));
        // Wait until the download is under way, then shut down.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> Files.exists(got) && Files.size(got) > 100_000);
        t.server().close();
        var r = download.get(60, TimeUnit.SECONDS);
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).isEqualTo("200");
        assertThat(Files.readAllBytes(got)).isEqualTo(big);
    }
}
