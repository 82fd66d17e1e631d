package engawa.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.EngawaProcess;
import engawa.testing.TestServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM drains: the server, a real {@code engawa serve} process, stops accepting at once, lets the
 * response in flight finish (a large file to a client that is not reading yet), closes that keep-alive
 * connection once its response is done, and exits 0 well inside the drain timeout.
 */
class DrainIT {
    private static final int SIZE = 32 << 20;

    @Test
    void sigtermLetsTheResponseInFlightFinishThenExitsZero() throws Exception {
        Path dir = TestServer.newDir();
        byte[] content = new byte[SIZE];
        new Random(7).nextBytes(content);
        Files.createDirectories(dir.resolve("www"));
        Files.write(dir.resolve("www/big.bin"), content);
        Path config = TestServer.write(dir, "engawa.yaml", """
                listen: {http: "127.0.0.1:0"}
                http: {drain_timeout: 120s}
                log: {access: "off"}
                sites:
                  a:
                    hosts: [a.test]
                    routes:
                      - {path: /, static: {root: www}}
                """);
        Path log = dir.resolve("server.log");
        Process server = EngawaProcess.start(log, "serve", "--config", config.toString(), "--data", dir.resolve("data").toString());
        try {
            int port = await().atMost(Duration.ofSeconds(60)).until(() -> EngawaProcess.servedPort(log, "http"), p -> p > 0);
            try (Socket client = new Socket("127.0.0.1", port)) {
                client.setSoTimeout(60_000);
                client.getOutputStream().write("GET /big.bin HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                InputStream in = new BufferedInputStream(client.getInputStream());
                String head = readHead(in);
                assertThat(head).startsWith("HTTP/1.1 200 ").contains("content-length: " + SIZE);
                byte[] start = in.readNBytes(1 << 20);

                server.destroy(); // SIGTERM
                // The listener closes at once while the response is still on its way.
                await().atMost(Duration.ofSeconds(30)).until(() -> !accepts(port));
                assertThat(server.isAlive()).isTrue();

                byte[] rest = in.readNBytes(SIZE - start.length);
                MessageDigest sent = MessageDigest.getInstance("SHA-256");
                sent.update(start);
                sent.update(rest);
                assertThat(start.length + rest.length).isEqualTo(SIZE);
                assertThat(sent.digest()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(content));
                // The response done, the server closes the keep-alive connection rather than wait out the timeout.
                assertThat(in.read()).isEqualTo(-1);
            }
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("exited within the drain timeout").isTrue();
            assertThat(server.exitValue()).as(Files.readString(log)).isZero();
            assertThat(Files.readString(log)).contains("stopped: drained 1 connection(s)");
        } finally {
            if (server.isAlive()) {
                server.destroyForcibly();
            }
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed before the end of the response head: " + b);
            }
            b.write(c);
            byte[] a = b.toByteArray();
            int n = a.length;
            if (n >= 4 && a[n - 4] == '\r' && a[n - 3] == '\n' && a[n - 2] == '\r' && a[n - 1] == '\n') {
                return b.toString(StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT).replace("http/1.1", "HTTP/1.1");
            }
        }
    }
}
