package engawa.http.statics;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.Examples;
import engawa.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Static files as curl users see them: downloads, resumed downloads, conditional fetches, compressed
 * transfers. Also the reference config's static routes over the repo's example sites.
 */
class StaticFilesCurlIT {
    static Path dir;
    static TestServer server;
    static byte[] big;
    static byte[] page;

    @BeforeAll
    static void start() throws IOException {
        dir = TestServer.newDir();
        Files.createDirectories(dir.resolve("www"));
        big = StaticFilesIT.random(10 * 1024 * 1024, 42);
        Files.write(dir.resolve("www/big.bin"), big);
        page = "<p>compress me</p>\n".repeat(200).getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("www/page.html"), page);
        Files.write(dir.resolve("www/page.html.gz"), StaticFilesIT.gzip(page));
        Path examples = Examples.dir();
        // The reference config's static routes, over the repo's example sites.
        server = TestServer.start(dir, """
                listen: {http: "127.0.0.1:0", https: "127.0.0.1:0"}
                certificates:
                  example: {cert_file: %1$s/certs/example.test.crt, key_file: %1$s/certs/example.test.key}
                sites:
                  files:
                    hosts: [files.test]
                    routes:
                      - {path: /, static: {root: www, precompressed: [gzip]}}
                  secure:
                    hosts: [static.example.test]
                    tls: example
                    routes:
                      - {path: /, static: {root: www, precompressed: [gzip]}}
                  peacock:
                    hosts: [www.example.test]
                    tls: example
                    routes:
                      - path: /assets/
                        static: {root: %1$s/sites/peacock/assets, precompressed: [br, gzip], cache_control: "max-age=3600"}
                  parrot:
                    hosts: [parrot.example.test]
                    tls: example
                    routes:
                      - path: /
                        static: {root: %1$s/sites/parrot, index: [index.html]}
                """.formatted(examples));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** What curl wrote to stdout and stderr, and its exit code. */
    record Run(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    static Run curl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
        cmd.addAll(List.of(args));
        try {
            Path err = Files.createTempFile(dir, "curl", ".err");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("curl did not finish: " + cmd);
            }
            return new Run(p.exitValue(), out, Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String url(String path) {
        return server.httpUrl() + path;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void a10MiBDownloadIsByteExact() throws IOException {
        Path out = dir.resolve("download.bin");
        Run r = curl("-H", "Host: files.test", "-o", out.toString(), "-w", "%{http_code} %{size_download}", url("/big.bin"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.text()).isEqualTo("200 " + big.length);
        assertThat(sha256(Files.readAllBytes(out))).isEqualTo(sha256(big));
    }

    @Test
    void anInterruptedDownloadResumesWithRange() throws IOException {
        Path out = dir.resolve("resumed.bin");
        Files.write(out, java.util.Arrays.copyOf(big, 4_000_000));
        Run r = curl("-H", "Host: files.test", "-C", "-", "-o", out.toString(), "-w", "%{http_code}", url("/big.bin"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.text()).isEqualTo("206");
        assertThat(sha256(Files.readAllBytes(out))).isEqualTo(sha256(big));
    }

    @Test
    void rangesAsCurlAsksForThem() {
        Run one = curl("-H", "Host: files.test", "-r", "100-199", "-D", "-", "-o", "/dev/null", url("/big.bin"));
        assertThat(one.text()).startsWith("HTTP/1.1 206").contains("content-range: bytes 100-199/" + big.length);
        Run body = curl("-H", "Host: files.test", "-r", "100-199", url("/big.bin"));
        assertThat(body.out()).isEqualTo(java.util.Arrays.copyOfRange(big, 100, 200));
        Run multi = curl("-H", "Host: files.test", "-r", "0-9,20-29", "-D", "-", url("/big.bin"));
        assertThat(multi.text()).startsWith("HTTP/1.1 206").contains("content-type: multipart/byteranges; boundary=")
                .contains("Content-Range: bytes 0-9/" + big.length).contains("Content-Range: bytes 20-29/" + big.length);
        Run outside = curl("-H", "Host: files.test", "-r", "20000000-", "-D", "-", "-o", "/dev/null", url("/big.bin"));
        assertThat(outside.text()).startsWith("HTTP/1.1 416").contains("content-range: bytes */" + big.length);
    }

    @Test
    void conditionalFetchesGet304() {
        Path etag = dir.resolve("etag.txt");
        Run first = curl("-H", "Host: files.test", "--etag-save", etag.toString(), "-o", "/dev/null", "-w", "%{http_code}",
                url("/page.html"));
        assertThat(first.text()).isEqualTo("200");
        Run again = curl("-H", "Host: files.test", "--etag-compare", etag.toString(), "-w", "%{http_code}", url("/page.html"));
        assertThat(again.text()).as("If-None-Match from the saved ETag").isEqualTo("304");
        Path copy = dir.resolve("page-copy.html");
        curl("-H", "Host: files.test", "-R", "-o", copy.toString(), url("/page.html"));
        Run since = curl("-H", "Host: files.test", "-z", copy.toString(), "-w", "%{http_code}", url("/page.html"));
        assertThat(since.text()).as("If-Modified-Since from the downloaded file's time").isEqualTo("304");
    }

    @Test
    void compressedTransfersUseThePrecompressedSibling() {
        Run r = curl("-H", "Host: files.test", "--compressed", "-D", dir.resolve("h.txt").toString(), url("/page.html"));
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).as("curl decodes the .gz sibling back to the page").isEqualTo(page);
        Run head = curl("-H", "Host: files.test", "--compressed", "-I", url("/page.html"));
        assertThat(head.text()).contains("content-encoding: gzip").contains("vary: accept-encoding")
                .contains("content-type: text/html; charset=utf-8");
        Run plain = curl("-H", "Host: files.test", "-I", url("/page.html"));
        assertThat(plain.text()).doesNotContain("content-encoding").contains("content-length: " + page.length);
    }

    /** curl over TLS to the https listener (HTTP/2 by ALPN), trusting the examples' CA, for static.example.test. */
    static Run curlHttps(String path, String... args) {
        int port = server.port("https");
        List<String> all = new ArrayList<>(List.of("--cacert", Examples.dir().resolve("certs/ca.crt").toString(),
                "--resolve", "static.example.test:" + port + ":127.0.0.1"));
        all.addAll(List.of(args));
        all.add("https://static.example.test:" + port + path);
        return curl(all.toArray(String[]::new));
    }

    @Test
    void overTlsFilesAreSentInChunksByteExact() throws IOException {
        Path out = dir.resolve("download-tls.bin");
        Run r = curlHttps("/big.bin", "-o", out.toString(), "-w", "%{http_code} %{size_download} %{ssl_verify_result}");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.text()).isEqualTo("200 " + big.length + " 0");
        assertThat(sha256(Files.readAllBytes(out))).isEqualTo(sha256(big));
        Path out11 = dir.resolve("download-tls11.bin");
        Run http11 = curlHttps("/big.bin", "--http1.1", "-o", out11.toString(), "-w", "%{http_version} %{http_code}");
        assertThat(http11.text()).isEqualTo("1.1 200");
        assertThat(sha256(Files.readAllBytes(out11))).isEqualTo(sha256(big));
        Run range = curlHttps("/big.bin", "-r", "5000000-5000099");
        assertThat(range.out()).isEqualTo(java.util.Arrays.copyOfRange(big, 5_000_000, 5_000_100));
        Run multi = curlHttps("/big.bin", "-r", "0-9,9000000-9000009", "-D", "-");
        assertThat(multi.text()).startsWith("HTTP/2 206").contains("multipart/byteranges")
                .contains("Content-Range: bytes 9000000-9000009/" + big.length);
        Run small = curlHttps("/page.html", "--compressed");
        assertThat(small.out()).isEqualTo(page);
        Run head = curlHttps("/big.bin", "-I");
        assertThat(head.text()).startsWith("HTTP/2 200").contains("content-length: " + big.length);
    }

    @Test
    void theReferenceExampleRoutesServeTheExampleSites() throws IOException {
        Path examples = Examples.dir();
        Run css = curl("-H", "Host: www.example.test", "-H", "Accept-Encoding: gzip", "-D", "-", url("/assets/app.css"));
        byte[] gz = Files.readAllBytes(examples.resolve("sites/peacock/assets/app.css.gz"));
        assertThat(css.text()).contains("content-encoding: gzip").contains("cache-control: max-age=3600")
                .contains("content-type: text/css; charset=utf-8");
        assertThat(java.util.Arrays.copyOfRange(css.out(), css.out().length - gz.length, css.out().length)).isEqualTo(gz);
        Run plain = curl("-H", "Host: www.example.test", url("/assets/app.css"));
        assertThat(plain.out()).isEqualTo(Files.readAllBytes(examples.resolve("sites/peacock/assets/app.css")));
        Run home = curl("-H", "Host: parrot.example.test", "-w", "\n%{http_code} %{content_type}", url("/"));
        assertThat(home.text()).isEqualTo(Files.readString(examples.resolve("sites/parrot/index.html"))
                + "\n200 text/html; charset=utf-8");
        // One cache serves every route: the same path under another root is another file.
        assertThat(curl("-H", "Host: files.test", "-w", "%{http_code}", "-o", "/dev/null", url("/")).text()).isEqualTo("404");
        Run health = curl("-H", "Host: parrot.example.test", url("/healthz"));
        assertThat(health.out()).isEqualTo(Files.readAllBytes(examples.resolve("sites/parrot/healthz")));
    }
}
