package engawa.http.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.Http;
import engawa.testing.TestServer;
import engawa.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A WebSocket through the proxy: the JDK client against a Netty echo server behind it. */
class ProxyWebSocketIT {
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
                sites:
                  s:
                    hosts: [localhost]
                    routes:
                      - {path: /, proxy: app}
                """.formatted(up.url()));
    }

    @AfterAll
    static void stop() {
        t.close();
        up.close();
    }

    /** Collects text messages. */
    private static final class Collector implements WebSocket.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                messages.add(part.toString());
                part.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }
    }

    @Test
    void webSocketMessagesAreEchoedThroughTheProxy() throws Exception {
        Collector c = new Collector();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://localhost:" + t.port("http") + "/ws"), c)
                .get(20, TimeUnit.SECONDS);
        String big = "x".repeat(40_000);
        for (int i = 0; i < 20; i++) {
            ws.sendText("hello " + i, true).get(10, TimeUnit.SECONDS);
        }
        ws.sendText(big, true).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> c.messages.size() == 21);
        for (int i = 0; i < 20; i++) {
            assertThat(c.messages.get(i)).isEqualTo("echo: hello " + i);
        }
        assertThat(c.messages.get(20).length()).isEqualTo(big.length() + 6);
        assertThat(c.messages.get(20)).isEqualTo("echo: " + big);
        var h = up.lastReceived().headers();
        assertThat(h.get("Upgrade")).isEqualToIgnoringCase("websocket");
        assertThat(h.get("Connection")).isEqualToIgnoringCase("upgrade");
        assertThat(h.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
        assertThat(c.closed.get(20, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        // The edge still serves plain requests after the relay ended.
        var r = Http.send(HttpRequest.newBuilder(URI.create(t.httpUrl() + "/after")).header("Host", "localhost"));
        assertThat(r.body()).isEqualTo("a");
        await().atMost(Duration.ofSeconds(10)).until(() -> t.server().services().upstreams().status().get(0).inFlight() == 0);
    }

    @Test
    void anUpgradeTheUpstreamRefusesIsAnOrdinaryResponse() {
        String raw = engawa.testing.RawHttp.exchange(t.port("http"), "GET /not-ws HTTP/1.1\r\nHost: localhost\r\n"
                + "Connection: Upgrade\r\nUpgrade: websocket\r\n\r\nGET /next HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 15_000);
        // Both answered, the first an ordinary response, and the connection kept for the next.
        assertThat(raw.split("HTTP/1.1 200 OK", -1)).hasSize(3);
        assertThat(raw).doesNotContainIgnoringCase("upgrade").endsWith("\r\n\r\na");
    }
}
