package engawa.admin;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.AdminClient;
import engawa.testing.TestServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Reload without loss: 100 revisions applied through the admin API, alternating two documents, while
 * clients keep requesting over keep-alive connections. No request may fail and no connection may be cut;
 * both documents must have answered.
 */
class ReloadWithoutLossIT {
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0", admin: "127.0.0.1:0"}
            log: {access: "off"}
            sites:
              a:
                hosts: [a.test]
                routes:
                  - {path: /, redirect: {to: "https://%s.example/", status: 301}}
            """;
    private static final int RELOADS = 100;
    private static final int CLIENTS = 2;

    @Test
    void hundredReloadsUnderKeepAliveLoadLoseNoRequest() throws Exception {
        try (TestServer t = TestServer.start(CONFIG.formatted("blue"))) {
            AdminClient admin = new AdminClient(t.port("admin"));
            AtomicBoolean reloading = new AtomicBoolean(true);
            AtomicLong ok = new AtomicLong();
            AtomicInteger failures = new AtomicInteger();
            List<String> failureNotes = new ArrayList<>();
            Map<String, AtomicLong> served = new ConcurrentHashMap<>();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                clients.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                    try (Socket s = new Socket("127.0.0.1", t.port("http"))) {
                        s.setSoTimeout(20_000);
                        OutputStream out = s.getOutputStream();
                        InputStream in = new BufferedInputStream(s.getInputStream());
                        // Bounded: stops with the reloads, and in any case after 200,000 requests.
                        for (int i = 0; i < 200_000 && (reloading.get() || i < 10); i++) {
                            out.write("GET /x HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                            out.flush();
                            Map<String, String> head = readResponse(in);
                            String location = head.get("location");
                            if (!"301".equals(head.get(":status")) || location == null || "close".equals(head.get("connection"))) {
                                failures.incrementAndGet();
                                synchronized (failureNotes) {
                                    failureNotes.add(head.toString());
                                }
                                return;
                            }
                            served.computeIfAbsent(location, k -> new AtomicLong()).incrementAndGet();
                            ok.incrementAndGet();
                        }
                    } catch (IOException e) {
                        failures.incrementAndGet();
                        synchronized (failureNotes) {
                            failureNotes.add(e.toString());
                        }
                    }
                }));
            }
            long first = t.server().snapshot().revision();
            for (int i = 1; i <= RELOADS; i++) {
                var r = admin.put("/api/v1/config", "application/yaml", CONFIG.formatted(i % 2 == 1 ? "green" : "blue"));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            }
            reloading.set(false);
            for (Thread c : clients) {
                c.join(60_000);
            }
            assertThat(failureNotes).isEmpty();
            assertThat(failures.get()).isZero();
            assertThat(t.server().snapshot().revision()).isEqualTo(first + RELOADS);
            assertThat(ok.get()).isGreaterThanOrEqualTo(CLIENTS * 10L);
            assertThat(served.keySet()).containsExactlyInAnyOrder("https://blue.example/", "https://green.example/");
        }
    }

    /** Reads one response (status line, headers, a Content-Length body); headers lower-cased, status as ":status". */
    private static Map<String, String> readResponse(InputStream in) throws IOException {
        Map<String, String> head = new java.util.HashMap<>();
        String status = line(in);
        head.put(":status", status.length() >= 12 ? status.substring(9, 12) : status);
        String l;
        while (!(l = line(in)).isEmpty()) {
            int colon = l.indexOf(':');
            head.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(head.getOrDefault("content-length", "0"));
        if (in.readNBytes(length).length != length) {
            throw new IOException("connection closed in a response body");
        }
        return head;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed after " + b.size() + " bytes of a line");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }
}
