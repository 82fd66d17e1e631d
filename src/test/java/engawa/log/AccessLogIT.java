package engawa.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import engawa.testing.AdminClient;
import engawa.testing.RawHttp;
import engawa.testing.TestServer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The access log written to a file: combined and JSON lines, a new path by revision, and rotation. */
class AccessLogIT {
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0", admin: "127.0.0.1:0"}
            log: {access: %s, format: %s}
            sites:
              a:
                hosts: [a.test]
                routes:
                  - {path: /, redirect: {to: "https://one.example/{uri}", status: 301}}
            """;
    /** "bob:pw" in HTTP Basic. */
    private static final String REQUEST = "GET /x?y=1 HTTP/1.1\r\nHost: a.test\r\nUser-Agent: agent \"quoted\"\r\n"
            + "Referer: http://ref.example/\r\nAuthorization: Basic Ym9iOnB3\r\nConnection: close\r\n\r\n";

    private TestServer t;

    @AfterEach
    void stop() {
        if (t != null) {
            t.close();
        }
    }

    private Path start(String access, String format) {
        Path dir = TestServer.newDir();
        try {
            Files.createDirectories(dir.resolve("logs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        t = TestServer.start(dir, CONFIG.formatted(access, format));
        return dir;
    }

    private void request(String raw) {
        assertThat(RawHttp.statuses(RawHttp.exchange(t.port("http"), raw, 10_000))).isNotEmpty();
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> awaitLines(Path file, int n) {
        await().atMost(Duration.ofSeconds(10)).until(() -> lines(file).size() >= n);
        return lines(file);
    }

    @Test
    void combinedLinesAreNginxsFormat() {
        Path dir = start("logs/access.log", "combined");
        request(REQUEST);
        request("GET / HTTP/1.1\r\nHost: nobody.test\r\nConnection: close\r\n\r\n");
        List<String> lines = awaitLines(dir.resolve("logs/access.log"), 2);
        assertThat(lines.get(0)).matches("127\\.0\\.0\\.1 - bob \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}] "
                + "\"GET /x\\?y=1 HTTP/1\\.1\" 301 0 \"http://ref\\.example/\" \"agent \\\\x22quoted\\\\x22\"");
        assertThat(lines.get(1)).matches("127\\.0\\.0\\.1 - - \\[.*] \"GET / HTTP/1\\.1\" 404 \\d+ \"-\" \"-\"");
    }

    @Test
    void jsonLinesHaveTheSameFieldsPlusHostSiteRouteAndDuration() throws IOException {
        Path dir = start("logs/access.json", "json");
        request(REQUEST);
        JsonNode line = new ObjectMapper().readTree(awaitLines(dir.resolve("logs/access.json"), 1).get(0));
        assertThat(OffsetDateTime.parse(line.path("time").asText())).isNotNull();
        assertThat(line.path("remote_addr").asText()).isEqualTo("127.0.0.1");
        assertThat(line.path("remote_user").asText()).isEqualTo("bob");
        assertThat(line.path("request").asText()).isEqualTo("GET /x?y=1 HTTP/1.1");
        assertThat(line.path("status").asInt()).isEqualTo(301);
        assertThat(line.path("body_bytes_sent").asLong()).isZero();
        assertThat(line.path("http_referer").asText()).isEqualTo("http://ref.example/");
        assertThat(line.path("http_user_agent").asText()).isEqualTo("agent \"quoted\"");
        assertThat(line.path("host").asText()).isEqualTo("a.test");
        assertThat(line.path("site").asText()).isEqualTo("a");
        assertThat(line.path("route").asText()).isEqualTo("routes[0]");
        assertThat(line.path("duration").isNumber()).isTrue();
        assertThat(line.path("duration").asDouble()).isBetween(0.0, 10.0);
    }

    @Test
    void aRevisionNamingAnotherPathMovesTheLog() {
        Path dir = start("logs/one.log", "combined");
        request(REQUEST);
        awaitLines(dir.resolve("logs/one.log"), 1);
        var admin = new AdminClient(t.port("admin"));
        var put = admin.put("/api/v1/config", "application/yaml", CONFIG.formatted("logs/two.log", "json"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        request(REQUEST);
        request(REQUEST);
        assertThat(awaitLines(dir.resolve("logs/two.log"), 2)).allMatch(l -> l.startsWith("{\"time\":"));
        assertThat(lines(dir.resolve("logs/one.log"))).hasSize(1);
        var off = admin.put("/api/v1/config", "application/yaml", CONFIG.formatted("off", "json"));
        assertThat(off.statusCode()).isEqualTo(200);
        request(REQUEST);
        request(REQUEST);
        // The next line after "off" would land here within moments if it were written.
        assertThat(admin.get("/metrics").body()).contains("engawa_access_log_dropped_total 0.0");
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                .until(() -> lines(dir.resolve("logs/two.log")).size() == 2);
    }

    @Test
    void aRotatedFileIsReopenedAtItsPath() throws IOException {
        Path dir = start("logs/access.log", "combined");
        Path log = dir.resolve("logs/access.log");
        request(REQUEST);
        awaitLines(log, 1);
        Files.move(log, dir.resolve("logs/access.log.1"));
        // Lines keep going to the moved file until the writer notices (within about a second).
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            request(REQUEST);
            return Files.exists(log) && !lines(log).isEmpty();
        });
        assertThat(lines(dir.resolve("logs/access.log.1"))).isNotEmpty().allMatch(l -> l.startsWith("127.0.0.1 - bob ["));
        assertThat(lines(log)).allMatch(l -> l.startsWith("127.0.0.1 - bob ["));
    }

    @Test
    void aStuckDestinationDropsLinesAndNeverHoldsUpRequests() throws Exception {
        Path dir = TestServer.newDir();
        Path fifo = dir.resolve("stuck.log");
        // Opening a FIFO for writing blocks until someone reads it: a log destination that hangs.
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        t = TestServer.start(dir, CONFIG.formatted(fifo, "combined"));
        int requests = (AccessLog.CAPACITY / 100 + 40) * 100;
        int answered = 0;
        try (Socket s = new Socket("127.0.0.1", t.port("http"))) {
            s.setSoTimeout(30_000);
            InputStream in = new BufferedInputStream(s.getInputStream());
            byte[] batch = "GET / HTTP/1.1\r\nHost: a.test\r\n\r\n".repeat(100).getBytes(StandardCharsets.ISO_8859_1);
            for (int i = 0; i < requests / 100; i++) {
                s.getOutputStream().write(batch);
                for (int j = 0; j < 100; j++) {
                    assertThat(statusOf(in)).isEqualTo(301);
                    answered++;
                }
            }
        }
        assertThat(answered).isEqualTo(requests);
        var admin = new AdminClient(t.port("admin"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(droppedLines(admin.get("/metrics").body()))
                .isGreaterThanOrEqualTo(requests - AccessLog.CAPACITY - 1));
        // Unstick the writer so that shutdown can write out what it still holds.
        Thread reader = Thread.ofPlatform().daemon().start(() -> {
            try (InputStream drain = Files.newInputStream(fifo)) {
                drain.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // The server closed its end.
            }
        });
        t.close();
        t = null;
        reader.join(10_000);
    }

    private static double droppedLines(String metrics) {
        var m = java.util.regex.Pattern.compile("(?m)^engawa_access_log_dropped_total (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    /** Reads one response with a Content-Length body and returns its status. */
    private static int statusOf(InputStream in) throws IOException {
        String status = line(in);
        int length = 0;
        String l;
        while (!(l = line(in)).isEmpty()) {
            if (l.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(l.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return Integer.parseInt(status.substring(9, 12));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Test
    void aFileThatCannotBeOpenedCountsDroppedLinesAndServingGoesOn() {
        start("missing-folder/access.log", "combined");
        request(REQUEST);
        request(REQUEST);
        var admin = new AdminClient(t.port("admin"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(admin.get("/metrics").body()).contains("engawa_access_log_dropped_total 2.0"));
    }
}
