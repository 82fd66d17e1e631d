package engawa.http.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.Http;
import engawa.testing.TestServer;
import engawa.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies of tens of MiB both ways, checked by SHA-256, and proof that the proxy holds only a bounded
 * part of them: with the far side not reading, the near side stalls long before the whole body moved.
 */
class ProxyStreamingIT {
    private static final long SIZE = 96L << 20;
    /** Socket buffers on four sockets plus Netty's watermarks stay well under this. */
    private static final long STALL_BOUND = 48L << 20;

    private static TestUpstream up;
    private static TestServer t;

    @BeforeAll
    static void start() {
        up = TestUpstream.start("a");
        t = TestServer.start("""
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  app:
                    servers: ["%s"]
                    max_body: 200MiB
                  small:
                    servers: ["%s"]
                    max_body: 1MiB
                sites:
                  s:
                    hosts: [app.test]
                    routes:
                      - {path: /, proxy: app}
                      - {path: /small/, proxy: {upstream: small, strip_prefix: true}}
                """.formatted(up.url(), up.url()));
    }

    @AfterAll
    static void stop() {
        t.close();
        up.close();
    }

    /** Waits until {@code counter} stops moving (two equal readings half a second apart), returns it. */
    private static long stalled(LongSupplier counter) {
        long[] last = {-1};
        await().pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(30)).until(() -> {
            long now = counter.getAsLong();
            boolean same = now == last[0];
            last[0] = now;
            return same;
        });
        return last[0];
    }

    @Test
    void aLargeDownloadStreamsWithBackPressureAndArrivesIntact() throws Exception {
        long before = up.downloadBytesWritten();
        try (Socket s = new Socket("127.0.0.1", t.port("http"))) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET /download?size=" + SIZE + " HTTP/1.1\r\nHost: app.test\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: " + SIZE);
            MessageDigest md = TestUpstream.sha();
            byte[] buf = new byte[64 * 1024];
            long got = readInto(in, md, buf, 1 << 20);
            // The client stops reading: the upstream must stop being read long before the end.
            long written = stalled(() -> up.downloadBytesWritten() - before);
            assertThat(written).isLessThan(STALL_BOUND);
            got += readInto(in, md, buf, SIZE - got);
            assertThat(got).isEqualTo(SIZE);
            assertThat(HexFormat.of().formatHex(md.digest())).isEqualTo(TestUpstream.sha256(SIZE));
        }
    }

    @Test
    void aLargeChunkedUploadStreamsWithBackPressureAndArrivesIntact() throws Exception {
        long readBefore = up.uploadBytesRead();
        AtomicLong sent = new AtomicLong();
        try (Socket s = new Socket("127.0.0.1", t.port("http"))) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write("POST /upload?hold=1 HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    InputStream body = TestUpstream.contentStream(SIZE);
                    byte[] chunk = new byte[64 * 1024];
                    int n;
                    while ((n = body.read(chunk)) > 0) {
                        out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(chunk, 0, n);
                        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        sent.addAndGet(n);
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            // The upstream does not read: the client must be held back long before the end.
            await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() > 1 << 20);
            long accepted = stalled(sent::get);
            assertThat(accepted).isLessThan(STALL_BOUND);
            // (What came in the same segment as the head was read before the hold.)
            assertThat(up.uploadBytesRead() - readBefore).isLessThan(64 * 1024);
            up.releaseUploads();
            writer.join(Duration.ofSeconds(60));
            assertThat(sent.get()).isEqualTo(SIZE);
            String response = readResponse(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 200").endsWith(SIZE + " " + TestUpstream.sha256(SIZE));
        }
    }

    @Test
    void anUploadWithContentLengthArrivesIntact() {
        long size = 64L << 20;
        var r = Http.send(HttpRequest.newBuilder(URI.create(t.httpUrl() + "/upload")).header("Host", "app.test")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofInputStream(() -> TestUpstream.contentStream(size)), size)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(size + " " + TestUpstream.sha256(size));
    }

    @Test
    void aChunkedBodyOverMaxBodyIs413() throws Exception {
        try (Socket s = new Socket("127.0.0.1", t.port("http"))) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write("POST /small/upload HTTP/1.1\r\nHost: app.test\r\nTransfer-Encoding: chunked\r\n\r\n"
                            .getBytes(StandardCharsets.ISO_8859_1));
                    byte[] chunk = new byte[64 * 1024];
                    for (int i = 0; i < 64; i++) {
                        out.write(("10000\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException e) {
                    // The server answers 413 and closes while the body is still coming: expected.
                }
            });
            String response = readResponse(s.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413");
            writer.join(Duration.ofSeconds(30));
        }
        // A declared length over the limit is refused before anything goes upstream.
        int before = up.requests();
        // (Only the head is sent: the edge answers and closes without reading a body it refused.)
        String raw = engawa.testing.RawHttp.exchange(t.port("http"),
                "POST /small/upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: " + (2 << 20) + "\r\n\r\n", 10_000);
        assertThat(engawa.testing.RawHttp.statuses(raw)).containsExactly(413);
        assertThat(up.requests()).isEqualTo(before);
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("closed in the head: " + head);
            }
            head.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private static long readInto(InputStream in, MessageDigest md, byte[] buf, long max) throws IOException {
        long got = 0;
        while (got < max) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, max - got));
            if (n < 0) {
                break;
            }
            md.update(buf, 0, n);
            got += n;
        }
        return got;
    }

    /** Head and body of a response with Content-Length (or up to the close). */
    private static String readResponse(InputStream in) throws IOException {
        String head = readHead(in);
        var m = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        long want = m.find() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
        byte[] buf = new byte[8192];
        while (body.size() < want) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, want - body.size()));
            if (n < 0) {
                break;
            }
            body.write(buf, 0, n);
        }
        return head + body.toString(StandardCharsets.ISO_8859_1);
    }
}
