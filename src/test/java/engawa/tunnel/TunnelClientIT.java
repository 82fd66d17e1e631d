package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import engawa.config.BindAddress;
import engawa.tunnel.client.TunnelClient;
import io.netty.handler.codec.http2.Http2Error;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Names as leases, balancing, reconnects, guards, TCP tunnels and the inspector, with real clients. */
class TunnelClientIT {
    private static TunnelFixture f;
    private static TestBackend one;
    private static TestBackend two;

    @BeforeAll
    static void start() {
        f = TunnelFixture.start("grace: 3s\nkeepalive: 1s", "");
        one = new TestBackend("first backend");
        two = new TestBackend("second backend");
    }

    @AfterAll
    static void stop() {
        f.close();
        one.close();
        two.close();
    }

    private static TunnelClient.Options options(String token, String name, int port, boolean exclusive, String basicAuth,
                                                List<String> allow, BindAddress inspect) {
        var o = f.options(name, port);
        return new TunnelClient.Options(o.serverHost(), o.serverPort(), o.serverName(), token, name, o.kind(), o.localHost(),
                port, o.caFile(), exclusive, basicAuth, allow, inspect);
    }

    private static Refusal refused(TunnelClient.Options o) {
        var c = f.starting(o);
        try {
            assertThatThrownBy(() -> c.client.firstOnline().orTimeout(30, TimeUnit.SECONDS).join())
                    .isInstanceOf(CompletionException.class);
            return c.client.ended().join();
        } finally {
            c.close();
        }
    }

    @Test
    void clientsOfOneTokenShareANameAndTakeTurns() {
        try (var a = f.client("t-shared", one.port()); var b = f.client("t-shared", two.port())) {
            f.awaitClients("t-shared", 2);
            int before1 = one.requests.get();
            int before2 = two.requests.get();
            for (int i = 0; i < 20; i++) {
                assertThat(f.curl("t-shared", "/hello").text()).startsWith("hello from the");
            }
            assertThat(one.requests.get() - before1).isGreaterThan(0);
            assertThat(two.requests.get() - before2).isGreaterThan(0);
            assertThat(one.requests.get() - before1 + two.requests.get() - before2).isEqualTo(20);
        }
    }

    @Test
    void exclusiveUseKeepsOtherClientsOff() {
        try (var a = f.client(options(TunnelFixture.TOKEN, "t-mine", one.port(), true, null, List.of(), null))) {
            Refusal r = refused(options(TunnelFixture.TOKEN, "t-mine", two.port(), false, null, List.of(), null));
            assertThat(r.code()).isEqualTo(Refusal.NAME_BUSY);
            assertThat(r.getMessage()).isEqualTo("\"t-mine\" is held exclusively by another client");
        }
        try (var a = f.client("t-open", one.port())) {
            Refusal r = refused(options(TunnelFixture.TOKEN, "t-open", two.port(), true, null, List.of(), null));
            assertThat(r.code()).isEqualTo(Refusal.NAME_BUSY);
            Refusal flags = refused(options(TunnelFixture.TOKEN, "t-open", two.port(), false, "u:p", List.of(), null));
            assertThat(flags.code()).isEqualTo(Refusal.FLAGS_MISMATCH);
        }
    }

    @Test
    void aReconnectingClientKeepsTheNameItWasGiven() {
        try (var held = f.client("t-first", one.port());
             var c = f.client(options(TunnelFixture.TOKEN, null, one.port(), false, null, List.of(), null))) {
            String name = c.name();
            // "demo" may be held by another test; either way the client gets a name its token allows.
            assertThat(name).matches("demo|pr-[a-z0-9]{8}");
            f.awaitClients(name, 1);
            f.registry().lookup(name).sessions().get(0).goAway(Http2Error.NO_ERROR, "testing a reconnect");
            await().atMost(Duration.ofSeconds(30)).until(() -> c.events.stream().anyMatch(e -> e.startsWith("again " + name)));
            assertThat(c.events).anyMatch(e -> e.contains("testing a reconnect"));
            f.awaitClients(name, 1);
            assertThat(f.curl(name, "/hello").text()).isEqualTo("hello from the first backend\n");
        }
    }

    @Test
    void aNameStaysReservedForItsTokenDuringTheGrace() {
        var c = f.client("demo", one.port());
        c.close();
        f.awaitClients("demo", 0);
        assertThat(f.registry().lookup("demo")).isNotNull();
        var r = f.curl("demo", "/hello", "-i");
        assertThat(r.text()).startsWith("HTTP/1.1 503").containsIgnoringCase("retry-after: 5");
        Refusal taken = refused(options(TunnelFixture.OTHER_TOKEN, "demo", two.port(), false, null, List.of(), null));
        assertThat(taken.code()).isEqualTo(Refusal.NAME_TAKEN);
        assertThat(taken.getMessage()).isEqualTo("\"demo\" is reserved by another token");
        // The grace over, the name is free for anyone allowed to claim it.
        await().atMost(Duration.ofSeconds(30)).until(() -> f.registry().lookup("demo") == null);
        try (var other = f.client(options(TunnelFixture.OTHER_TOKEN, "demo", two.port(), false, null, List.of(), null))) {
            assertThat(f.curl("demo", "/hello").text()).isEqualTo("hello from the second backend\n");
        }
    }

    @Test
    void aTokenRemovedFromTheDocumentDisconnectsItsClients() {
        var c = f.client(options(TunnelFixture.OTHER_TOKEN, "other", two.port(), false, null, List.of(), null));
        try {
            String without = f.yaml.lines().filter(l -> !l.contains("name: other,")).reduce("", (a, b) -> a + b + "\n");
            f.apply(without);
            Refusal r = c.client.ended().orTimeout(60, TimeUnit.SECONDS).join();
            assertThat(r.code()).isEqualTo(Refusal.BAD_TOKEN);
            assertThat(c.events).anyMatch(e -> e.contains("token no longer allowed to serve \"other\""));
            f.awaitClients("other", 0);
        } finally {
            c.close();
            f.apply(f.yaml);
        }
    }

    @Test
    void basicAuthAndAnAllowListGuardATunnel() {
        try (var a = f.client(options(TunnelFixture.TOKEN, "t-auth", one.port(), false, "alice:wonder land", List.of(), null));
             var b = f.client(options(TunnelFixture.TOKEN, "t-lan", one.port(), false, null, List.of("10.0.0.0/8"), null));
             var c = f.client(options(TunnelFixture.TOKEN, "t-local", one.port(), false, null, List.of("10.0.0.0/8", "127.0.0.0/8"), null))) {
            var none = f.curl("t-auth", "/hello", "-i");
            assertThat(none.text()).startsWith("HTTP/1.1 401").contains("www-authenticate: Basic realm=\"tunnel t-auth\"");
            assertThat(f.curl("t-auth", "/hello", "-i", "-u", "alice:wrong").text()).startsWith("HTTP/1.1 401");
            assertThat(f.curl("t-auth", "/hello", "-u", "alice:wonder land").text()).isEqualTo("hello from the first backend\n");
            assertThat(f.curl("t-lan", "/hello", "-i").text()).startsWith("HTTP/1.1 403");
            assertThat(f.curl("t-local", "/hello").text()).isEqualTo("hello from the first backend\n");
        }
    }

    @Test
    void aTcpTunnelCarriesBytesBothWaysAndHalfCloses() throws Exception {
        try (ServerSocket echo = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        Socket s = echo.accept();
                        Thread.ofPlatform().daemon().start(() -> {
                            try (s) {
                                // Echo until the far side half-closes, then say how much came and close.
                                long n = s.getInputStream().transferTo(s.getOutputStream());
                                s.getOutputStream().write(("\ntotal " + n + "\n").getBytes(StandardCharsets.US_ASCII));
                            } catch (java.io.IOException e) {
                                // done
                            }
                        });
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            var o = f.options("t-tcp", echo.getLocalPort());
            var tcp = new TunnelClient.Options(o.serverHost(), o.serverPort(), o.serverName(), o.token(), "t-tcp", TunnelKind.TCP,
                    o.localHost(), o.localPort(), o.caFile(), false, null, List.of(), null);
            try (var c = f.client(tcp)) {
                assertThat(c.events).anyMatch(e -> e.contains("tcp://tunnel.example.test:" + f.tcpPort));
                byte[] payload = new byte[3 << 20];
                new java.util.Random(3).nextBytes(payload);
                try (Socket s = new Socket("127.0.0.1", f.tcpPort)) {
                    s.setSoTimeout(30_000);
                    Thread writer = Thread.ofPlatform().start(() -> {
                        try {
                            OutputStream out = s.getOutputStream();
                            out.write(payload);
                            s.shutdownOutput();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                    InputStream in = s.getInputStream();
                    byte[] back = in.readNBytes(payload.length);
                    assertThat(difference(back, payload)).isEqualTo("none");
                    assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("\ntotal " + payload.length + "\n");
                    writer.join();
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> c.lines.stream().anyMatch(l -> l.method().equals("TCP")));
            }
        }
    }

    @Test
    void aKeptAliveConnectionTheServiceDropsIsRetriedOnceOnANewOne() throws Exception {
        // Answers the first request of each connection, and drops the connection at the second, as a service
        // does when its keep-alive timeout strikes just as a request arrives.
        try (ServerSocket service = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        Socket s = service.accept();
                        connections.incrementAndGet();
                        Thread.ofPlatform().daemon().start(() -> {
                            try (s) {
                                var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                                String line;
                                while ((line = in.readLine()) != null && !line.isEmpty()) {
                                    // the request head
                                }
                                s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n".getBytes(StandardCharsets.ISO_8859_1));
                                while ((line = in.readLine()) != null && !line.isEmpty()) {
                                    // the second request: dropped unanswered
                                }
                            } catch (java.io.IOException e) {
                                // done
                            }
                        });
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            try (var c = f.client("t-flaky", service.getLocalPort())) {
                assertThat(f.curl("t-flaky", "/a").text()).isEqualTo("ok\n");
                assertThat(f.curl("t-flaky", "/b").text()).isEqualTo("ok\n");
                assertThat(connections.get()).isEqualTo(2);
            }
        }
    }

    /** Where {@code got} first differs from {@code want}, and where the bytes found there come from. */
    private static String difference(byte[] got, byte[] want) {
        for (int i = 0; i < Math.min(got.length, want.length); i++) {
            if (got[i] != want[i]) {
                int from = -1;
                outer:
                for (int j = 0; j + 32 <= want.length; j++) {
                    for (int k = 0; k < 32 && i + k < got.length; k++) {
                        if (want[j + k] != got[i + k]) {
                            continue outer;
                        }
                    }
                    from = j;
                    break;
                }
                int same = 0;
                while (from >= 0 && i + same < got.length && from + same < want.length && got[i + same] == want[from + same]) {
                    same++;
                }
                return "differs at " + i + " of " + got.length + "; the bytes there are payload[" + from + "...] for " + same + " bytes";
            }
        }
        return got.length == want.length ? "none" : "length " + got.length;
    }

    @Test
    void theInspectorKeepsRequestsAndReplaysThem() throws Exception {
        try (var c = f.client(options(TunnelFixture.TOKEN, "t-inspect", one.port(), false, null, List.of(),
                BindAddress.parse("127.0.0.1:0")))) {
            int port = c.client.inspectorPort();
            assertThat(f.curl("t-inspect", "/sha256", "--data-binary", "inspect me").text()).startsWith("10 ");
            String base = "http://127.0.0.1:" + port;
            await().atMost(Duration.ofSeconds(10)).until(() -> TunnelFixture.run(List.of("curl", "-sS", base + "/api/requests")).text().contains("inspect me"));
            String list = TunnelFixture.run(List.of("curl", "-sS", base + "/api/requests")).text();
            assertThat(list).contains("\"method\":\"POST\"").contains("\"target\":\"/sha256\"").contains("\"status\":200")
                    .contains("\"body\":\"inspect me\"").contains("x-forwarded-for");
            String id = list.replaceAll("(?s)^\\[\\{\"id\":(\\d+).*", "$1");
            var refused = TunnelFixture.run(List.of("curl", "-sS", "-i", "-X", "POST", base + "/api/requests/" + id + "/replay"));
            assertThat(refused.text()).startsWith("HTTP/1.1 403");
            int before = one.requests.get();
            var replay = TunnelFixture.run(List.of("curl", "-sS", "-X", "POST", "-H", "X-Engawa-Inspector: replay",
                    base + "/api/requests/" + id + "/replay"));
            assertThat(replay.text()).contains("\"replay_of\":" + id).contains("\"status\":200").contains("\"body\":\"10 ");
            assertThat(one.requests.get()).isEqualTo(before + 1);
            assertThat(TunnelFixture.run(List.of("curl", "-sS", base + "/")).text()).contains("Engawa tunnel inspector").contains("Replay");
        }
    }
}
