package engawa.http.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.PhpFpm;
import engawa.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Back-pressure both ways between a client and PHP-FPM: a client that does not read holds the script
 * back (the edge does not buffer the response), and a script that does not read holds the client back
 * (the edge does not buffer the upload). Raw sockets with small buffers play the slow clients.
 */
class FastCgiStreamingIT {
    private static final int MIB = 1 << 20;
    static Path dir;
    static Path root;
    static PhpFpm fpm;
    static TestServer server;

    @BeforeAll
    static void start() {
        dir = TestServer.newDir();
        root = PhpSite.copyTo(dir);
        fpm = PhpFpm.start(dir.resolve("fpm"), 2);
        server = TestServer.start(dir, """
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  php:
                    protocol: fastcgi
                    servers: ["%s"]
                    max_body: 128MiB
                sites:
                  php:
                    hosts: [php.test]
                    routes:
                      - {path: /legacy/, fastcgi: {upstream: php, root: www}}
                """.formatted(fpm.unixUrl()));
    }

    @AfterAll
    static void stop() {
        fpm.close();
        server.close();
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(64 * 1024);
        s.setSendBufferSize(64 * 1024);
        s.setSoTimeout(60_000);
        s.connect(new InetSocketAddress("127.0.0.1", server.port("http")));
        return s;
    }

    /** Waits until {@code value} stops moving (the same for a second) and returns where it stopped. */
    private static long settled(LongSupplier value) {
        long[] last = {-1};
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
            long now = value.getAsLong();
            boolean same = now > 0 && now == last[0];
            last[0] = now;
            return same;
        });
        return last[0];
    }

    private static long progress(String id) {
        try {
            Path p = root.resolve("progress-" + id);
            return Files.exists(p) ? Long.parseLong(Files.readString(p).strip()) : 0;
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    @Test
    void aClientThatStopsReadingHoldsTheScriptBack() throws IOException {
        try (Socket s = connect()) {
            // HTTP/1.0: the body ends with the connection, so the test needs no chunked decoder.
            s.getOutputStream().write("GET /legacy/stream.php?mib=64&id=down HTTP/1.0\r\nHost: php.test\r\n\r\n"
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            byte[] first = in.readNBytes(1024);
            long written = settled(() -> progress("down"));
            assertThat(written).as("bytes PHP wrote while the client read 1 KiB").isLessThan(24L * MIB);

            ByteArrayOutputStream all = new ByteArrayOutputStream(65 * MIB);
            all.write(first);
            in.transferTo(all);
            String text = all.toString(StandardCharsets.ISO_8859_1);
            assertThat(text).startsWith("HTTP/1.1 200");
            byte[] bytes = all.toByteArray();
            int bodyAt = text.indexOf("\r\n\r\n") + 4;
            byte[] body = java.util.Arrays.copyOfRange(bytes, bodyAt, bytes.length);
            assertThat(body.length).isEqualTo(64 * MIB);
            assertThat(PhpSite.sha256(body)).isEqualTo(PhpSite.sha256(PhpSite.bigBody(64)));
            assertThat(progress("down")).isEqualTo(64L * MIB);
        }
    }

    @Test
    void aScriptThatDoesNotReadYetHoldsTheUploadingClientBack() throws Exception {
        byte[] data = new byte[64 * MIB];
        new Random(3).nextBytes(data);
        AtomicLong sent = new AtomicLong();
        try (Socket s = connect()) {
            OutputStream out = s.getOutputStream();
            // PUT: PHP swallows a POST body of an unknown type before the script runs, a PUT body it leaves to php://input.
            out.write(("PUT /legacy/upload.php?gate=up HTTP/1.1\r\nHost: php.test\r\nConnection: close\r\n"
                    + "Content-Type: application/octet-stream\r\nContent-Length: " + data.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < data.length; i += 64 * 1024) {
                        out.write(data, i, 64 * 1024);
                        sent.addAndGet(64 * 1024);
                    }
                    out.flush();
                } catch (IOException e) {
                    // The test's assertions on the answer say what went wrong.
                }
            });
            long held = settled(sent::get);
            assertThat(held).as("bytes the client got out while PHP read nothing").isLessThan(24L * MIB);

            Files.writeString(root.resolve("gate-up"), "open");
            writer.join(Duration.ofSeconds(60));
            assertThat(sent.get()).isEqualTo(data.length);
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").contains(data.length + " " + PhpSite.sha256(data));
        }
    }
}
