package engawa.http;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.TestServer;
import engawa.testing.TestUpstream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket through the proxy: once the upstream switched protocols, the request guard steps aside
 * (frames are not HTTP), and its timeouts no longer apply: the connection outlives the idle and header
 * timeouts many times over.
 */
class HttpUpgradeIT {
    private static TestUpstream up;
    private static TestServer t;

    @BeforeAll
    static void start() {
        up = TestUpstream.start("ws");
        t = TestServer.start("""
                listen: {http: "127.0.0.1:0"}
                http: {header_timeout: 200ms, idle_timeout: 300ms}
                upstreams:
                  app:
                    servers: ["%s"]
                sites:
                  s:
                    hosts: [app.test]
                    routes:
                      - {path: /, proxy: app}
                """.formatted(up.url()));
    }

    @AfterAll
    static void stop() {
        t.close();
        up.close();
    }

    @Test
    void aWebSocketOutlivesTheHttpTimeouts() throws IOException, InterruptedException {
        try (Socket s = new Socket("127.0.0.1", t.port("http"))) {
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: app.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 ").containsIgnoringCase("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
            for (String text : new String[] {"one", "two", "three"}) {
                // Longer than both timeouts between frames: an upgraded connection is not HTTP any more.
                Thread.sleep(700);
                s.getOutputStream().write(maskedTextFrame(text));
                assertThat(readTextFrame(in)).isEqualTo("echo: " + text);
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (!out.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            out.write(b);
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static byte[] maskedTextFrame(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        byte[] frame = new byte[6 + payload.length];
        frame[0] = (byte) 0x81;
        frame[1] = (byte) (0x80 | payload.length);
        System.arraycopy(mask, 0, frame, 2, 4);
        for (int i = 0; i < payload.length; i++) {
            frame[6 + i] = (byte) (payload[i] ^ mask[i % 4]);
        }
        return frame;
    }

    private static String readTextFrame(InputStream in) throws IOException {
        int first = in.read();
        int len = in.read();
        assertThat(first).as("FIN, text").isEqualTo(0x81);
        assertThat(len).as("unmasked, short").isLessThan(126);
        return new String(in.readNBytes(len), StandardCharsets.UTF_8);
    }
}
