package engawa.http.fastcgi;

import static engawa.http.fastcgi.PhpSite.curl;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import engawa.testing.Examples;
import engawa.testing.PhpFpm;
import engawa.testing.RawHttp;
import engawa.testing.TestServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * PHP through the edge as nginx + PHP-FPM users know it: a real PHP-FPM (unix socket and TCP pools), curl
 * as the client, scripts that report what PHP saw.
 */
class FastCgiIT {
    static Path dir;
    static Path root;
    static PhpFpm fpm;
    static TestServer server;

    @BeforeAll
    static void start() throws IOException {
        dir = TestServer.newDir();
        root = PhpSite.copyTo(dir);
        Files.createDirectories(root.resolve("uploads"));
        Files.writeString(root.resolve("uploads/photo.jpg"), "<?php echo 'pwned';");
        Files.writeString(root.resolve(".env"), "DB_PASSWORD=hunter2\n");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("secret.php"), "<?php echo 'outside the root';");
        Files.createSymbolicLink(root.resolve("link.php"), outside.resolve("secret.php"));
        fpm = PhpFpm.start(dir.resolve("fpm"), 4);
        Path examples = Examples.dir();
        server = TestServer.start(dir, """
                listen: {http: "127.0.0.1:0", https: "127.0.0.1:0"}
                certificates:
                  example: {cert_file: %1$s/certs/example.test.crt, key_file: %1$s/certs/example.test.key}
                upstreams:
                  php:
                    protocol: fastcgi
                    servers: ["%2$s"]
                    max_body: 64MiB
                  phptcp:
                    protocol: fastcgi
                    servers: ["%3$s"]
                  small:
                    protocol: fastcgi
                    servers: ["%2$s"]
                    max_body: 1KiB
                sites:
                  php:
                    hosts: [php.test]
                    routes:
                      - {path: /legacy/, fastcgi: {upstream: php, root: www, index: index.php}}
                      - {path: /tcp/, fastcgi: {upstream: phptcp, root: www}}
                      - {path: /small/, fastcgi: {upstream: small, root: www}}
                      - path: /private/
                        fastcgi: {upstream: php, root: www}
                        access: {basic_auth: {realm: php, users_file: %1$s/secrets/admin.htpasswd}}
                  secure:
                    hosts: [php.example.test]
                    tls: example
                    routes:
                      - {path: /legacy/, fastcgi: {upstream: php, root: www}}
                """.formatted(examples, fpm.unixUrl(), fpm.tcpUrl()));
    }

    @AfterAll
    static void stop() {
        fpm.close();
        server.close();
    }

    static PhpSite.Run get(String path, String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "-i";
        all[1] = "-H";
        all[2] = "Host: php.test";
        System.arraycopy(args, 0, all, 3, args.length);
        all[all.length - 1] = server.httpUrl() + path;
        return curl(dir, all);
    }

    @Test
    void aGetWithAQueryReachesPhpWithTheParamsNginxSets() {
        PhpSite.Run r = get("/legacy/env.php?a=1&b=two%20words", "-H", "X-Custom: hello", "-H", "Cookie: x=1",
                "-H", "Cookie: y=2");
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.header("content-type")).isEqualTo("application/json");
        JsonNode j = r.json();
        JsonNode s = j.get("server");
        assertThat(s.get("SCRIPT_FILENAME").asText()).isEqualTo(root.resolve("env.php").toString());
        assertThat(s.get("SCRIPT_NAME").asText()).isEqualTo("/legacy/env.php");
        assertThat(s.get("PHP_SELF").asText()).isEqualTo("/legacy/env.php");
        assertThat(s.has("PATH_INFO")).isFalse();
        assertThat(s.get("DOCUMENT_ROOT").asText()).isEqualTo(root.toString());
        assertThat(s.get("DOCUMENT_URI").asText()).isEqualTo("/legacy/env.php");
        assertThat(s.get("REQUEST_URI").asText()).isEqualTo("/legacy/env.php?a=1&b=two%20words");
        assertThat(s.get("REQUEST_METHOD").asText()).isEqualTo("GET");
        assertThat(s.get("QUERY_STRING").asText()).isEqualTo("a=1&b=two%20words");
        assertThat(s.get("SERVER_NAME").asText()).isEqualTo("php.test");
        assertThat(s.get("SERVER_ADDR").asText()).isEqualTo("127.0.0.1");
        assertThat(s.get("SERVER_PORT").asText()).isEqualTo(Integer.toString(server.port("http")));
        assertThat(s.get("SERVER_PROTOCOL").asText()).isEqualTo("HTTP/1.1");
        assertThat(s.get("SERVER_SOFTWARE").asText()).isEqualTo("engawa");
        assertThat(s.get("GATEWAY_INTERFACE").asText()).isEqualTo("CGI/1.1");
        assertThat(s.get("REQUEST_SCHEME").asText()).isEqualTo("http");
        assertThat(s.has("HTTPS")).isFalse();
        assertThat(s.get("REMOTE_ADDR").asText()).isEqualTo("127.0.0.1");
        assertThat(s.get("REMOTE_PORT").asInt()).isPositive();
        assertThat(s.get("REDIRECT_STATUS").asText()).isEqualTo("200");
        assertThat(s.get("HTTP_HOST").asText()).isEqualTo("php.test");
        assertThat(s.get("HTTP_X_CUSTOM").asText()).isEqualTo("hello");
        assertThat(s.get("HTTP_COOKIE").asText()).isEqualTo("x=1; y=2");
        assertThat(s.get("CONTENT_LENGTH").asText()).isEmpty();
        assertThat(j.get("get").get("a").asText()).isEqualTo("1");
        assertThat(j.get("get").get("b").asText()).isEqualTo("two words");
        assertThat(j.get("cookies").get("y").asText()).isEqualTo("2");
    }

    @Test
    void httpoxyAndUnderscoreHeadersNeverReachPhp() {
        PhpSite.Run r = get("/legacy/env.php", "-H", "Proxy: http://evil.test:3128", "-H", "X-Forwarded-For: 10.0.0.1",
                "-H", "X_Forwarded_For: 6.6.6.6");
        JsonNode j = r.json();
        assertThat(j.get("server").has("HTTP_PROXY")).isFalse();
        assertThat(j.get("proxy_env").asBoolean()).as("getenv('HTTP_PROXY')").isFalse();
        assertThat(j.get("server").get("HTTP_X_FORWARDED_FOR").asText()).isEqualTo("10.0.0.1");
        assertThat(j.get("http").toString()).doesNotContain("PROXY\"");
    }

    @Test
    void aPostedFormIsParsedByPhp() {
        PhpSite.Run r = get("/legacy/env.php", "-d", "name=Ada+Lovelace&lang=php");
        assertThat(r.status()).isEqualTo(200);
        JsonNode j = r.json();
        assertThat(j.get("server").get("REQUEST_METHOD").asText()).isEqualTo("POST");
        assertThat(j.get("server").get("CONTENT_TYPE").asText()).isEqualTo("application/x-www-form-urlencoded");
        assertThat(j.get("server").get("CONTENT_LENGTH").asText()).isEqualTo("26");
        assertThat(j.get("server").has("HTTP_CONTENT_TYPE")).isFalse();
        assertThat(j.get("post").get("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(j.get("post").get("lang").asText()).isEqualTo("php");
    }

    @Test
    void aLargeUploadStreamsToPhpWhichChecksumsIt() throws IOException {
        byte[] data = new byte[40 << 20];
        new Random(7).nextBytes(data);
        Path file = dir.resolve("upload.bin");
        Files.write(file, data);
        PhpSite.Run r = get("/legacy/upload.php", "--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream");
        assertThat(r.status()).as(r.err()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data.length + " " + PhpSite.sha256(data));
    }

    @Test
    void aChunkedUploadIsCollectedAndSentWithItsLength() throws IOException {
        byte[] data = new byte[300_000];
        new Random(8).nextBytes(data);
        Path file = dir.resolve("chunked.bin");
        Files.write(file, data);
        PhpSite.Run r = get("/legacy/upload.php", "-H", "Transfer-Encoding: chunked", "-H", "Content-Type: application/octet-stream",
                "--data-binary", "@" + file);
        assertThat(r.status()).as(r.err()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(data.length + " " + PhpSite.sha256(data));

        byte[] tooLong = new byte[FastCgiExchange.UNKNOWN_LENGTH_LIMIT + 1];
        Path big = dir.resolve("chunked-big.bin");
        Files.write(big, tooLong);
        PhpSite.Run refused = get("/legacy/upload.php", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + big);
        assertThat(refused.status()).isEqualTo(411);
    }

    @Test
    void aBodyOverTheUpstreamsMaxBodyIs413() throws IOException {
        Path file = dir.resolve("small-over.bin");
        Files.write(file, new byte[2048]);
        assertThat(get("/small/upload.php", "--data-binary", "@" + file).status()).isEqualTo(413);
        assertThat(get("/small/upload.php", "-H", "Transfer-Encoding: chunked", "--data-binary", "@" + file).status())
                .isEqualTo(413);
        assertThat(get("/small/upload.php", "--data-binary", "small enough").body()).startsWith("12 ");
    }

    @Test
    void headersAndEveryCookieComeThrough() {
        PhpSite.Run r = get("/legacy/headers.php");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("x-script")).isEqualTo("headers");
        assertThat(r.header("cache-control")).isEqualTo("no-cache");
        assertThat(r.headers("set-cookie")).containsExactly("first=one", "second=two; path=/legacy/; HttpOnly");
        assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(r.body()).isEqualTo("with headers");
    }

    @Test
    void aStatusAndARedirectFromPhpAreTheResponseStatus() {
        PhpSite.Run notFound = get("/legacy/status.php?code=404");
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.body()).isEqualTo("status 404");
        PhpSite.Run teapot = get("/legacy/status.php?code=418");
        assertThat(teapot.status()).isEqualTo(418);
        PhpSite.Run redirect = get("/legacy/redirect.php");
        assertThat(redirect.status()).isEqualTo(302);
        assertThat(redirect.header("location")).isEqualTo("/legacy/target.php?from=redirect");
    }

    @Test
    void pathInfoIsWhatFollowsTheScript() {
        JsonNode s = get("/legacy/env.php/extra/path%20x?q=1").json().get("server");
        assertThat(s.get("SCRIPT_NAME").asText()).isEqualTo("/legacy/env.php");
        assertThat(s.get("SCRIPT_FILENAME").asText()).isEqualTo(root.resolve("env.php").toString());
        assertThat(s.get("PATH_INFO").asText()).isEqualTo("/extra/path x");
        assertThat(s.get("PHP_SELF").asText()).isEqualTo("/legacy/env.php/extra/path x");
        assertThat(s.get("DOCUMENT_URI").asText()).isEqualTo("/legacy/env.php/extra/path x");
        assertThat(s.get("REQUEST_URI").asText()).isEqualTo("/legacy/env.php/extra/path%20x?q=1");
    }

    @Test
    void aLargeResponseStreamsByteExactChunkedOrWithItsLength() throws IOException {
        byte[] expected = PhpSite.bigBody(24);
        Path out = dir.resolve("big.out");
        PhpSite.Run r = curl(dir, "-H", "Host: php.test", "-D", "-", "-o", out.toString(),
                server.httpUrl() + "/legacy/big.php?mib=24");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
        assertThat(PhpSite.sha256(Files.readAllBytes(out))).isEqualTo(PhpSite.sha256(expected));

        PhpSite.Run withLength = curl(dir, "-H", "Host: php.test", "-D", "-", "-o", out.toString(),
                server.httpUrl() + "/legacy/big.php?mib=8&length=1");
        assertThat(withLength.header("content-length")).isEqualTo(Integer.toString(8 << 20));
        assertThat(withLength.header("transfer-encoding")).isNull();
        assertThat(PhpSite.sha256(Files.readAllBytes(out))).isEqualTo(PhpSite.sha256(PhpSite.bigBody(8)));
    }

    @Test
    void aFolderRunsItsIndexScript() {
        PhpSite.Run index = get("/legacy/");
        assertThat(index.status()).isEqualTo(200);
        assertThat(index.body()).isEqualTo("legacy index /legacy/index.php");
        assertThat(get("/legacy/sub/").body()).isEqualTo("sub index /legacy/sub/index.php");
        PhpSite.Run noSlash = get("/legacy/sub?x=1");
        assertThat(noSlash.status()).isEqualTo(301);
        assertThat(noSlash.header("location")).isEqualTo("/legacy/sub/?x=1");
        assertThat(get("/legacy").status()).isEqualTo(301);
        assertThat(get("/legacy/uploads/").status()).as("a folder without the index script").isEqualTo(404);
    }

    @Test
    void otherFilesOfTheRootAreServedByTheEdge() {
        PhpSite.Run css = get("/legacy/style.css");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.header("content-type")).isEqualTo("text/css; charset=utf-8");
        assertThat(css.body()).isEqualTo("body { color: teal; }\n");
        assertThat(get("/legacy/style.css", "-X", "POST").status()).isEqualTo(405);
    }

    @Test
    void aMissingScriptIs404WithoutBotheringPhpFpm() {
        int before = fpm.accessLog().size();
        assertThat(get("/legacy/missing.php").status()).isEqualTo(404);
        // The classic: an uploaded "image" must not run as PHP through a made-up script name after it.
        assertThat(get("/legacy/uploads/photo.jpg/x.php").status()).isEqualTo(404);
        assertThat(get("/legacy/uploads/photo.jpg").body()).as("served as a file, not run")
                .isEqualTo("<?php echo 'pwned';");
        assertThat(get("/legacy/status.php?code=200").status()).isEqualTo(200);
        await().atMost(PhpFpm.PATIENCE).until(() -> fpm.accessLog().size() > before);
        List<String> ran = fpm.accessLog().subList(before, fpm.accessLog().size());
        assertThat(ran).containsExactly("GET /legacy/status.php?code=200 200");
    }

    @Test
    void pathsNeverLeaveTheRootNorShowHiddenFilesOrSources() {
        int port = server.port("http");
        for (String target : List.of("/legacy/../fpm/fpm.conf", "/legacy/%2e%2e/outside/secret.php",
                "/legacy/..%2f..%2foutside/secret.php", "/legacy/..%2foutside/secret.php", "/legacy/../../etc/passwd")) {
            String raw = RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: php.test\r\n\r\n");
            assertThat(RawHttp.statuses(raw)).as(target + ": " + raw).singleElement().isIn(400, 404);
        }
        PhpSite.Run link = get("/legacy/link.php");
        assertThat(link.status()).as("a script linked from outside the root").isEqualTo(403);
        assertThat(link.body()).doesNotContain("outside the root");
        assertThat(get("/legacy/.env").status()).isEqualTo(404);
        assertThat(get("/legacy/source.inc").status()).isEqualTo(403);
    }

    @Test
    void headAnswersWithoutABody() {
        PhpSite.Run r = curl(dir, "-I", "-H", "Host: php.test", server.httpUrl() + "/legacy/index.php");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
    }

    @Test
    void keptAliveConnectionsCarryRequestAfterRequest() {
        // One client connection stays on one event loop, whose pooled connection stays with one worker.
        List<String> args = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            if (i > 0) {
                args.add("--next");
            }
            args.addAll(List.of("-H", "Host: php.test", server.httpUrl() + "/legacy/env.php?i=" + i));
        }
        String out = curl(dir, args.toArray(String[]::new)).text();
        Set<Integer> pids = new HashSet<>();
        for (String json : out.replace("}{", "}\n{").split("\n")) {
            pids.add(PhpSite.json(json).get("pid").asInt());
        }
        assertThat(pids).hasSize(1);
    }

    @Test
    void theTcpPoolServesToo() {
        PhpSite.Run r = get("/tcp/env.php?via=tcp");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("server").get("SCRIPT_NAME").asText()).isEqualTo("/tcp/env.php");
    }

    @Test
    void basicAuthNamesTheRemoteUser() {
        assertThat(get("/private/env.php").status()).isEqualTo(401);
        JsonNode s = get("/private/env.php", "-u", "admin:change-me-example").json().get("server");
        assertThat(s.get("REMOTE_USER").asText()).isEqualTo("admin");
        assertThat(s.get("AUTH_TYPE").asText()).isEqualTo("Basic");
        assertThat(s.get("PHP_AUTH_USER").asText()).isEqualTo("admin");
    }

    @Test
    void overTlsPhpSeesHttpsAndHttp2() throws IOException {
        int port = server.port("https");
        String url = "https://php.example.test:" + port + "/legacy/env.php?tls=1";
        List<String> tls = List.of("--cacert", Examples.dir().resolve("certs/ca.crt").toString(),
                "--resolve", "php.example.test:" + port + ":127.0.0.1");
        PhpSite.Run r = curl(dir, concat(tls, "-i", url));
        assertThat(r.text()).startsWith("HTTP/2 200");
        JsonNode s = r.json().get("server");
        assertThat(s.get("HTTPS").asText()).isEqualTo("on");
        assertThat(s.get("REQUEST_SCHEME").asText()).isEqualTo("https");
        assertThat(s.get("SERVER_PROTOCOL").asText()).isEqualTo("HTTP/2.0");
        assertThat(s.get("SERVER_PORT").asText()).isEqualTo(Integer.toString(port));

        // An HTTP/2 upload of unknown length (curl -T - sends no content-length) is collected, then sent.
        byte[] data = new byte[200_000];
        new Random(9).nextBytes(data);
        Path file = dir.resolve("h2.bin");
        Files.write(file, data);
        PhpSite.Run upload = curl(dir, concat(tls, "-X", "POST", "-T", file.toString(), "-H", "Content-Length:",
                "https://php.example.test:" + port + "/legacy/upload.php"));
        assertThat(upload.text()).as(upload.err()).isEqualTo(data.length + " " + PhpSite.sha256(data));
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }

    @Test
    void stderrLinesGoToTheLogOneEach() {
        Logger log = (Logger) LoggerFactory.getLogger(StderrLog.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        log.addAppender(lines);
        try {
            assertThat(get("/legacy/stderr.php").body()).isEqualTo("logged");
            await().atMost(Duration.ofSeconds(10)).until(() -> lines.list.size() >= 3);
            List<String> messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
            assertThat(messages).anySatisfy(m -> assertThat(m).startsWith("upstream php: " + fpm.unixUrl()
                    + " /legacy/stderr.php: PHP message: first complaint from stderr.php"));
            assertThat(messages).anySatisfy(m -> assertThat(m).endsWith("/legacy/stderr.php: PHP message: second complaint"));
            assertThat(messages).anySatisfy(m -> assertThat(m).endsWith("/legacy/stderr.php: spans two lines"));
        } finally {
            log.detachAppender(lines);
        }
    }

    @Test
    void aHugeHeaderBlockIs502() {
        assertThat(get("/legacy/long.php?n=10").status()).isEqualTo(200);
        assertThat(get("/legacy/long.php?n=1000").status()).isEqualTo(502);
    }
}
