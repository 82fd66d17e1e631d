package engawa.http.statics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.RawHttp;
import engawa.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Static files over real sockets: what a browser, a download manager or a cache sees. */
class StaticFilesIT {
    private static final String HOST = "s.test";
    private static final String HELLO = "hello world\n";

    static Path dir;
    static TestServer server;
    static byte[] mid;
    static byte[] css;
    static byte[] cssGz;

    @BeforeAll
    static void start() throws IOException {
        dir = TestServer.newDir();
        Path www = dir.resolve("www");
        TestServer.write(dir, "www/hello.txt", HELLO);
        TestServer.write(dir, "www/index.html", "<h1>home</h1>\n");
        TestServer.write(dir, "www/sub/index.html", "<h1>sub</h1>\n");
        Files.createDirectories(www.resolve("empty-dir"));
        css = "body { color: #333; }\n".repeat(40).getBytes(StandardCharsets.UTF_8);
        Files.write(www.resolve("app.css"), css);
        cssGz = gzip(css);
        Files.write(www.resolve("app.css.gz"), cssGz);
        Files.write(www.resolve("app.css.br"), "not really brotli".getBytes(StandardCharsets.UTF_8));
        Files.write(www.resolve("only-gz.js.gz"), gzip("x".getBytes(StandardCharsets.UTF_8)));
        Files.write(www.resolve("only-gz.js"), "x".getBytes(StandardCharsets.UTF_8));
        for (String name : List.of("a.js", "a.mjs", "a.json", "a.svg", "a.png", "a.wasm", "a.woff2", "a.avif",
                "a.webp", "a.ico", "a.pdf", "a.mp4", "a.xml", "A.HTML", "a.unknownext", "README")) {
            TestServer.write(dir, "www/types/" + name, "x");
        }
        mid = random(200 * 1024, 7);
        Files.write(www.resolve("mid.bin"), mid);
        TestServer.write(dir, "secret.txt", "top secret\n");
        TestServer.write(dir, "outside/inner.txt", "outside the root\n");
        Files.createSymbolicLink(www.resolve("leak.txt"), Path.of("../secret.txt"));
        Files.createSymbolicLink(www.resolve("leakdir"), Path.of("../outside"));
        Files.createSymbolicLink(www.resolve("alias.txt"), Path.of("hello.txt"));
        TestServer.write(dir, "docs/index.html", "<h1>docs</h1>\n");
        TestServer.write(dir, "single.txt", "just one file\n");
        TestServer.write(dir, "assets/app.css", "assets css\n");
        server = TestServer.start(dir, """
                listen: {http: "127.0.0.1:0"}
                sites:
                  s:
                    hosts: [s.test]
                    routes:
                      - {path: /, static: {root: www, precompressed: [br, gzip], cache_control: "max-age=60"}}
                      - {path: /assets/, static: {root: assets}}
                      - {path: /docs, static: {root: docs}}
                      - {path: /later/, static: {root: later}}
                      - {path: /one.txt, static: {root: single.txt}}
                      - {path: /changing/, static: {root: changing}}
                """);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static HttpResponse<byte[]> get(String path, String... headers) {
        return send("GET", path, headers);
    }

    static HttpResponse<byte[]> send(String method, String path, String... headers) {
        return Fetch.send(method, server.httpUrl() + path, HOST, headers);
    }

    static String text(HttpResponse<byte[]> r) {
        return Fetch.text(r);
    }

    static String header(HttpResponse<?> r, String name) {
        return Fetch.header(r, name);
    }

    @Test
    void servesAFileWithTypeLengthAndValidators() {
        var r = get("/hello.txt");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(text(r)).isEqualTo(HELLO);
        assertThat(header(r, "content-type")).isEqualTo("text/plain; charset=utf-8");
        assertThat(header(r, "content-length")).isEqualTo("12");
        assertThat(header(r, "etag")).matches("\"[0-9a-f]+-c\"");
        assertThat(header(r, "last-modified")).endsWith(" GMT");
        assertThat(header(r, "accept-ranges")).isEqualTo("bytes");
        assertThat(header(r, "cache-control")).isEqualTo("max-age=60");
        assertThat(header(r, "date")).endsWith(" GMT");
        assertThat(header(r, "vary")).as("no precompressed sibling, nothing varies").isNull();
    }

    @ParameterizedTest(name = "{0} is {1}")
    @CsvSource(delimiter = '|', value = {
            "a.js         | text/javascript; charset=utf-8",  // 0
            "a.mjs        | text/javascript; charset=utf-8",  // 1
            "a.json       | application/json",                // 2
            "a.svg        | image/svg+xml",                   // 3
            "a.png        | image/png",                       // 4
            "a.wasm       | application/wasm",                // 5
            "a.woff2      | font/woff2",                      // 6
            "a.avif       | image/avif",                      // 7
            "a.webp       | image/webp",                      // 8
            "a.ico        | image/x-icon",                    // 9
            "a.pdf        | application/pdf",                 // 10
            "a.mp4        | video/mp4",                       // 11
            "a.xml        | text/xml; charset=utf-8",         // 12
            "A.HTML       | text/html; charset=utf-8",        // 13 extension case does not matter
            "a.unknownext | application/octet-stream",        // 14
            "README       | application/octet-stream",        // 15
    })
    void contentTypeFollowsTheExtension(String name, String type) {
        var r = get("/types/" + name);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(header(r, "content-type")).isEqualTo(type);
    }

    @Test
    void headAnswersTheHeadersWithoutABodyAndKeepsTheConnection() {
        String raw = RawHttp.exchange(server.port("http"),
                "HEAD /hello.txt HTTP/1.1\r\nHost: s.test\r\n\r\n"
                        + "HEAD /mid.bin HTTP/1.1\r\nHost: s.test\r\n\r\n"
                        + "GET /hello.txt HTTP/1.1\r\nHost: s.test\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.statuses(raw)).containsExactly(200, 200, 200);
        assertThat(raw).contains("content-length: 12").contains("content-length: " + mid.length);
        // Only the GET carries a body, so the three heads and one body follow each other exactly.
        assertThat(raw.split("\r\n\r\n", -1)).hasSize(4);
        assertThat(raw).endsWith("\r\n\r\n" + HELLO);
    }

    @Test
    void otherMethodsAre405WithAllow() {
        for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
            var r = send(method, "/hello.txt");
            assertThat(r.statusCode()).as(method).isEqualTo(405);
            assertThat(header(r, "allow")).isEqualTo("GET, HEAD");
        }
    }

    @Test
    void directoriesServeTheirIndexAndGetTheirSlash() {
        assertThat(text(get("/"))).isEqualTo("<h1>home</h1>\n");
        var sub = get("/sub/");
        assertThat(text(sub)).isEqualTo("<h1>sub</h1>\n");
        assertThat(header(sub, "content-type")).isEqualTo("text/html; charset=utf-8");
        var redirect = get("/sub?page=2");
        assertThat(redirect.statusCode()).isEqualTo(301);
        assertThat(header(redirect, "location")).isEqualTo("/sub/?page=2");
        assertThat(get("/empty-dir/").statusCode()).as("no index, no listing").isEqualTo(404);
        assertThat(get("/hello.txt/").statusCode()).as("a file is not a directory").isEqualTo(404);
        assertThat(get("/nothing-here.txt").statusCode()).isEqualTo(404);
    }

    @Test
    void aRoutePrefixIsStrippedAtASegmentBoundary() {
        assertThat(text(get("/assets/app.css"))).as("alias semantics: root/app.css").isEqualTo("assets css\n");
        var noSlash = get("/docs");
        assertThat(noSlash.statusCode()).isEqualTo(301);
        assertThat(header(noSlash, "location")).isEqualTo("/docs/");
        assertThat(text(get("/docs/"))).isEqualTo("<h1>docs</h1>\n");
        assertThat(get("/docsx").statusCode()).as("/docs must not serve docs + 'x'").isEqualTo(404);
        assertThat(text(get("/one.txt"))).as("a root may be one file").isEqualTo("just one file\n");
        var assets = get("/assets");
        assertThat(assets.statusCode()).isEqualTo(301);
        assertThat(header(assets, "location")).isEqualTo("/assets/");
    }

    @Test
    void aSingleRangeIs206WithContentRange() {
        var first = get("/hello.txt", "Range", "bytes=0-4");
        assertThat(first.statusCode()).isEqualTo(206);
        assertThat(text(first)).isEqualTo("hello");
        assertThat(header(first, "content-range")).isEqualTo("bytes 0-4/12");
        assertThat(header(first, "content-length")).isEqualTo("5");
        assertThat(text(get("/hello.txt", "Range", "bytes=-6"))).isEqualTo("world\n");
        assertThat(text(get("/hello.txt", "Range", "bytes=6-"))).isEqualTo("world\n");
        // From disk (too large for memory): sendfile from an offset.
        var fromDisk = get("/mid.bin", "Range", "bytes=100000-100099");
        assertThat(fromDisk.statusCode()).isEqualTo(206);
        assertThat(fromDisk.body()).isEqualTo(Arrays.copyOfRange(mid, 100000, 100100));
        assertThat(header(fromDisk, "content-range")).isEqualTo("bytes 100000-100099/" + mid.length);
    }

    @Test
    void severalRangesAreMultipartByteranges() {
        for (String path : List.of("/hello.txt", "/mid.bin")) {
            byte[] whole = path.equals("/mid.bin") ? mid : HELLO.getBytes(StandardCharsets.UTF_8);
            long size = whole.length;
            var r = get(path, "Range", "bytes=0-1,6-7");
            assertThat(r.statusCode()).isEqualTo(206);
            String type = header(r, "content-type");
            assertThat(type).startsWith("multipart/byteranges; boundary=");
            assertThat(Long.parseLong(header(r, "content-length"))).isEqualTo(r.body().length);
            List<Part> parts = Part.parse(r.body(), type.substring(type.indexOf('=') + 1));
            assertThat(parts).hasSize(2);
            assertThat(parts.get(0).contentRange).isEqualTo("bytes 0-1/" + size);
            assertThat(parts.get(0).body).isEqualTo(Arrays.copyOfRange(whole, 0, 2));
            assertThat(parts.get(1).contentRange).isEqualTo("bytes 6-7/" + size);
            assertThat(parts.get(1).body).isEqualTo(Arrays.copyOfRange(whole, 6, 8));
        }
        var merged = get("/hello.txt", "Range", "bytes=0-5,3-8");
        assertThat(merged.statusCode()).isEqualTo(206);
        assertThat(header(merged, "content-range")).as("overlapping ranges merge into one").isEqualTo("bytes 0-8/12");
    }

    /** One part of a multipart/byteranges body. */
    record Part(String contentRange, byte[] body) {
        static List<Part> parse(byte[] body, String boundary) {
            String s = new String(body, StandardCharsets.ISO_8859_1);
            Matcher m = Pattern.compile("--" + Pattern.quote(boundary) + "\r\n((?:[^\r\n]+\r\n)*)\r\n").matcher(s);
            java.util.ArrayList<Part> parts = new java.util.ArrayList<>();
            while (m.find()) {
                String range = m.group(1).lines().filter(l -> l.toLowerCase().startsWith("content-range:"))
                        .map(l -> l.substring(l.indexOf(':') + 1).strip()).findFirst().orElseThrow();
                int start = m.end();
                int end = s.indexOf("\r\n--" + boundary, start);
                parts.add(new Part(range, Arrays.copyOfRange(body, start, end)));
            }
            assertThat(s).endsWith("\r\n--" + boundary + "--\r\n");
            return parts;
        }
    }

    @Test
    void anUnsatisfiableRangeIs416WithTheSize() {
        var r = get("/hello.txt", "Range", "bytes=100-200");
        assertThat(r.statusCode()).isEqualTo(416);
        assertThat(header(r, "content-range")).isEqualTo("bytes */12");
        assertThat(get("/hello.txt", "Range", "bytes=5-2").statusCode()).isEqualTo(416);
        assertThat(get("/hello.txt", "Range", "lines=1-2").statusCode()).as("unknown unit: ignored").isEqualTo(200);
    }

    @Test
    void ifRangeFallsBackToTheWholeFileWhenItDoesNotMatch() {
        var full = get("/hello.txt");
        String etag = header(full, "etag");
        String lastModified = header(full, "last-modified");
        assertThat(get("/hello.txt", "Range", "bytes=0-4", "If-Range", etag).statusCode()).isEqualTo(206);
        var stale = get("/hello.txt", "Range", "bytes=0-4", "If-Range", "\"stale\"");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(text(stale)).isEqualTo(HELLO);
        assertThat(get("/hello.txt", "Range", "bytes=0-4", "If-Range", lastModified).statusCode()).isEqualTo(206);
        assertThat(get("/hello.txt", "Range", "bytes=0-4", "If-Range", "Mon, 01 Jan 2001 00:00:00 GMT").statusCode())
                .isEqualTo(200);
    }

    @Test
    void validatorsGive304AndIfNoneMatchWins() {
        var full = get("/hello.txt");
        String etag = header(full, "etag");
        String lastModified = header(full, "last-modified");
        var byTag = get("/hello.txt", "If-None-Match", etag);
        assertThat(byTag.statusCode()).isEqualTo(304);
        assertThat(byTag.body()).isEmpty();
        assertThat(header(byTag, "etag")).isEqualTo(etag);
        assertThat(header(byTag, "cache-control")).isEqualTo("max-age=60");
        assertThat(get("/hello.txt", "If-None-Match", "W/" + etag).statusCode()).isEqualTo(304);
        assertThat(get("/hello.txt", "If-Modified-Since", lastModified).statusCode()).isEqualTo(304);
        assertThat(get("/hello.txt", "If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT").statusCode()).isEqualTo(200);
        // RFC 9110 13.2.2: when If-None-Match is present, If-Modified-Since is not evaluated.
        var both = get("/hello.txt", "If-None-Match", "\"other\"", "If-Modified-Since", lastModified);
        assertThat(both.statusCode()).isEqualTo(200);
        assertThat(get("/hello.txt", "If-Match", "\"other\"").statusCode()).isEqualTo(412);
        assertThat(get("/mid.bin", "If-None-Match", header(get("/mid.bin", "Range", "bytes=0-0"), "etag")).statusCode())
                .isEqualTo(304);
    }

    @Test
    void precompressedSiblingsAreChosenByAcceptEncoding() {
        var identity = get("/app.css");
        assertThat(identity.body()).isEqualTo(css);
        assertThat(header(identity, "content-encoding")).isNull();
        assertThat(header(identity, "vary")).isEqualTo("accept-encoding");

        var br = get("/app.css", "Accept-Encoding", "gzip, deflate, br, zstd");
        assertThat(header(br, "content-encoding")).as("br comes first in precompressed").isEqualTo("br");
        assertThat(text(br)).isEqualTo("not really brotli");
        assertThat(header(br, "content-type")).isEqualTo("text/css; charset=utf-8");
        assertThat(header(br, "vary")).isEqualTo("accept-encoding");

        var gz = get("/app.css", "Accept-Encoding", "gzip");
        assertThat(header(gz, "content-encoding")).isEqualTo("gzip");
        assertThat(gz.body()).isEqualTo(cssGz);
        assertThat(header(gz, "content-length")).isEqualTo(Integer.toString(cssGz.length));

        assertThat(header(get("/app.css", "Accept-Encoding", "br;q=0, gzip"), "content-encoding")).isEqualTo("gzip");
        assertThat(header(get("/app.css", "Accept-Encoding", "br;q=0, gzip;q=0"), "content-encoding")).isNull();
        assertThat(header(get("/app.css", "Accept-Encoding", "identity"), "content-encoding")).isNull();

        List<String> etags = List.of(header(identity, "etag"), header(br, "etag"), header(gz, "etag"));
        assertThat(etags).doesNotHaveDuplicates();
        // Each representation validates on its own tag.
        assertThat(get("/app.css", "Accept-Encoding", "gzip", "If-None-Match", header(gz, "etag")).statusCode())
                .isEqualTo(304);
        assertThat(get("/app.css", "Accept-Encoding", "br", "If-None-Match", header(gz, "etag")).statusCode())
                .isEqualTo(200);
        var notModified = get("/app.css", "Accept-Encoding", "gzip", "If-None-Match", header(gz, "etag"));
        assertThat(header(notModified, "vary")).isEqualTo("accept-encoding");
        // A range applies to the bytes sent, the compressed ones.
        var range = get("/app.css", "Accept-Encoding", "gzip", "Range", "bytes=0-1");
        assertThat(range.body()).isEqualTo(new byte[]{cssGz[0], cssGz[1]});
        assertThat(header(range, "content-range")).isEqualTo("bytes 0-1/" + cssGz.length);
        // Only the sibling the route lists: only-gz.js has a .gz and gets it.
        assertThat(header(get("/only-gz.js", "Accept-Encoding", "br, gzip"), "content-encoding")).isEqualTo("gzip");
    }

    @Test
    void requestsCannotLeaveTheRoot() {
        int port = server.port("http");
        // Decoded ".." above the root: refused before routing.
        assertThat(RawHttp.statuses(RawHttp.exchange(port, "GET /../secret.txt HTTP/1.1\r\nHost: s.test\r\n\r\n")))
                .containsExactly(400);
        assertThat(RawHttp.statuses(RawHttp.exchange(port, "GET /%2e%2e/secret.txt HTTP/1.1\r\nHost: s.test\r\n\r\n")))
                .containsExactly(400);
        assertThat(RawHttp.statuses(RawHttp.exchange(port, "GET /sub/%2E%2E/%2e%2e/secret.txt HTTP/1.1\r\nHost: s.test\r\n\r\n")))
                .containsExactly(400);
        // Inside the root, ".." is just a way to name a file there.
        assertThat(text(get("/sub/../hello.txt"))).isEqualTo(HELLO);
        // Encoded slashes and NUL.
        assertThat(get("/sub%2Findex.html").statusCode()).isEqualTo(404);
        assertThat(get("/..%2fsecret.txt").statusCode()).isIn(400, 404);
        assertThat(RawHttp.statuses(RawHttp.exchange(port, "GET /hello.txt%00.png HTTP/1.1\r\nHost: s.test\r\n\r\n")))
                .containsExactly(400);
        // Symbolic links: inside the root fine, out of it refused.
        assertThat(text(get("/alias.txt"))).isEqualTo(HELLO);
        var leak = get("/leak.txt");
        assertThat(leak.statusCode()).isEqualTo(403);
        assertThat(text(leak)).doesNotContain("secret");
        assertThat(get("/leakdir/inner.txt").statusCode()).isEqualTo(403);
        // The route's prefix cannot be abused the nginx-alias way either.
        assertThat(get("/docs../secret.txt").statusCode()).isEqualTo(404);
    }

    @Test
    void aMissingRootIs404UntilItAppears() throws IOException {
        assertThat(get("/later/x.txt").statusCode()).isEqualTo(404);
        TestServer.write(dir, "later/x.txt", "here now\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/later/x.txt").statusCode() == 200);
        assertThat(text(get("/later/x.txt"))).isEqualTo("here now\n");
    }

    @Test
    void aChangedFileIsServedWithinAboutASecond() throws IOException {
        Path file = TestServer.write(dir, "changing/f.txt", "version one\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(100)));
        var v1 = get("/changing/f.txt");
        assertThat(text(v1)).isEqualTo("version one\n");
        Files.writeString(file, "version two, longer\n");
        await().atMost(Duration.ofSeconds(10)).until(() -> text(get("/changing/f.txt")).equals("version two, longer\n"));
        var v2 = get("/changing/f.txt");
        assertThat(header(v2, "etag")).isNotEqualTo(header(v1, "etag"));
        assertThat(get("/changing/f.txt", "If-None-Match", header(v1, "etag")).statusCode()).isEqualTo(200);
        Files.delete(file);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/changing/f.txt").statusCode() == 404);
    }

    @Test
    void aLargeFileReplacedByADeployIsServedWholeOldOrWholeNew() throws IOException {
        Path file = dir.resolve("changing/big.bin");
        Files.createDirectories(file.getParent());
        byte[] one = random(300 * 1024, 1);
        Files.write(file, one);
        assertThat(get("/changing/big.bin").body()).isEqualTo(one);
        byte[] two = random(310 * 1024, 2);
        Path tmp = dir.resolve("changing/big.bin.tmp");
        Files.write(tmp, two);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        // Within the cache's second the old file (still open) may answer, but never a mix of both.
        var r = get("/changing/big.bin");
        assertThat(r.body()).satisfiesAnyOf(b -> assertThat(b).isEqualTo(one), b -> assertThat(b).isEqualTo(two));
        assertThat(Long.parseLong(header(r, "content-length"))).isEqualTo(r.body().length);
        await().atMost(Duration.ofSeconds(10)).until(() -> Arrays.equals(get("/changing/big.bin").body(), two));
    }

    @Test
    void aDeletedLargeFileIsClosedOnceTheCacheNotices() throws IOException {
        Path file = dir.resolve("changing/gone.bin");
        Files.createDirectories(file.getParent());
        Files.write(file, random(200 * 1024, 3));
        assertThat(get("/changing/gone.bin").statusCode()).isEqualTo(200);
        assertThat(openDescriptorsOf(file)).as("kept open, as nginx's open_file_cache does").isPositive();
        Files.delete(file);
        await().atMost(Duration.ofSeconds(10)).until(() -> get("/changing/gone.bin").statusCode() == 404);
        // The server runs in this JVM: none of its descriptors may still hold the deleted file.
        assertThat(openDescriptorsOf(file)).isZero();
    }

    static long openDescriptorsOf(Path file) throws IOException {
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(file.toString());
                } catch (IOException e) {
                    return false;
                }
            }).count();
        }
    }
}
