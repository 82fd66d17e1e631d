package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import engawa.testing.Examples;
import engawa.tunnel.client.TunnelClient;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bad input on the tunnel link: each gets a clear error, ends only the offending link, and leaves the
 * other tunnels serving and the edge's memory bounded.
 */
class TunnelBadInputIT {
    private static TunnelFixture f;
    private static TestBackend backend;

    @BeforeAll
    static void start() {
        // A grace long enough that a dropped client's name is still reserved when a test looks, however loaded the machine.
        f = TunnelFixture.start("grace: 60s\nkeepalive: 1s\nhandshake_timeout: 2s", "");
        backend = new TestBackend();
        f.client("demo", backend.port());
    }

    @AfterAll
    static void stop() {
        f.close();
        backend.close();
    }

    private static Refusal refusal(TunnelClient.Options options) {
        var c = f.starting(options);
        try {
            assertThatThrownBy(() -> c.client.firstOnline().orTimeout(30, TimeUnit.SECONDS).join())
                    .isInstanceOf(CompletionException.class).hasCauseInstanceOf(Refusal.class);
            return c.client.ended().join();
        } finally {
            c.close();
        }
    }

    private static TunnelClient.Options with(String token, String name) {
        var o = f.options(name, backend.port());
        return new TunnelClient.Options(o.serverHost(), o.serverPort(), o.serverName(), token, name, o.kind(), o.localHost(),
                o.localPort(), o.caFile(), false, null, List.of(), null);
    }

    private static void demoStillServes() {
        assertThat(f.curl("demo", "/hello").text()).isEqualTo("hello from the backend\n");
    }

    @Test
    void aWrongTokenIsRefused() {
        Refusal r = refusal(with("not-the-token", "demo"));
        assertThat(r.code()).isEqualTo(Refusal.BAD_TOKEN);
        assertThat(r.getMessage()).isEqualTo("unknown token");
        assertThat(f.admin("/metrics").text()).containsPattern("engawa_tunnel_handshakes_total\\{outcome=\"bad_token\"} [1-9]");
        demoStillServes();
    }

    @Test
    void aNameTheTokenMayNotClaimIsRefused() {
        Refusal r = refusal(with(TunnelFixture.TOKEN, "secret"));
        assertThat(r.code()).isEqualTo(Refusal.NAME_NOT_ALLOWED);
        assertThat(r.getMessage()).isEqualTo("token \"dev\" may not claim \"secret\" (it may claim: demo, pr-*, t-*)");
        Refusal bad = refusal(with(TunnelFixture.TOKEN, "no.dots"));
        assertThat(bad.code()).isEqualTo(Refusal.BAD_HANDSHAKE);
    }

    @Test
    void aNameHeldByAnotherTokenIsRefused() {
        Refusal r = refusal(with(TunnelFixture.OTHER_TOKEN, "demo"));
        assertThat(r.code()).isEqualTo(Refusal.NAME_TAKEN);
        assertThat(r.getMessage()).isEqualTo("\"demo\" is in use by another token");
        demoStillServes();
    }

    @Test
    void malformedHandshakesGetAnAnswerThenTheLinkCloses() throws Exception {
        String[] cases = {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"};
        for (String raw : cases) {
            try (RawLink link = RawLink.open(f.tunnelPort())) {
                link.send(raw.getBytes(StandardCharsets.ISO_8859_1));
                assertThat(link.reply()).contains("\"code\":\"bad_handshake\"").contains("not an Engawa tunnel client");
                assertThat(link.closedByEdge()).isTrue();
            }
        }
        try (RawLink link = RawLink.open(f.tunnelPort())) {
            link.send(new byte[] {'E', 'N', 'G', 'T', 9, 0, 2, '{', '}'});
            assertThat(link.reply()).contains("protocol version 9 is not spoken here");
        }
        try (RawLink link = RawLink.open(f.tunnelPort())) {
            link.send(new byte[] {'E', 'N', 'G', 'T', 1, (byte) 0xea, 0x60});
            assertThat(link.reply()).contains("handshake of 60000 bytes is over the limit of 8192");
            assertThat(link.closedByEdge()).isTrue();
        }
        for (String json : List.of("{", "[]", "{\"kind\":\"http\"}", "{\"token\":\"test\",\"kind\":\"udp\"}", "{\"token\":5,\"kind\":\"http\"}",
                "{\"token\":\"test\",\"kind\":\"http\",\"allow\":[\"not-a-cidr\"]}")) {
            try (RawLink link = RawLink.open(f.tunnelPort())) {
                link.hello(json);
                assertThat(link.reply()).as(json).contains("\"ok\":false").contains("\"code\":\"bad_handshake\"");
                assertThat(link.closedByEdge()).isTrue();
            }
        }
        demoStillServes();
    }

    @Test
    void aLinkThatSendsNoHandshakeInTimeIsTurnedAway() throws Exception {
        try (RawLink link = RawLink.open(f.tunnelPort())) {
            assertThat(link.reply()).contains("no handshake within 2000ms");
            assertThat(link.closedByEdge()).isTrue();
        }
        try (Socket plain = new Socket("127.0.0.1", f.tunnelPort())) {
            plain.setSoTimeout(20_000);
            long start = System.nanoTime();
            assertThat(plain.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
        }
    }

    @Test
    void theLinkIsTls13Only() {
        String ca = Examples.dir().resolve("certs/ca.crt").toString();
        var old = TunnelFixture.run(List.of("sh", "-c", "openssl s_client -connect 127.0.0.1:" + f.tunnelPort()
                + " -servername tunnel.example.test -CAfile " + ca + " -tls1_2 </dev/null 2>&1"));
        assertThat(old.text()).contains("alert protocol version").contains("Cipher is (NONE)");
        var ok = TunnelFixture.run(List.of("sh", "-c", "openssl s_client -connect 127.0.0.1:" + f.tunnelPort()
                + " -servername tunnel.example.test -CAfile " + ca + " -tls1_3 </dev/null 2>&1"));
        assertThat(ok.text()).contains("TLSv1.3").contains("Verify return code: 0 (ok)");
    }

    /** Claims {@code name} with a hand-made hello; the edge's preface has been read when this returns. */
    private static RawLink claim(String name) throws Exception {
        RawLink link = RawLink.open(f.tunnelPort());
        link.hello("{\"token\":\"" + TunnelFixture.TOKEN + "\",\"name\":\"" + name + "\",\"kind\":\"http\"}");
        assertThat(link.reply()).contains("\"ok\":true").contains("\"name\":\"" + name + "\"");
        link.readPreface();
        link.settings();
        return link;
    }

    @Test
    void anOversizedFrameEndsThatLinkAndNothingElse() throws Exception {
        try (RawLink link = claim("t-big")) {
            // The header alone is enough: the edge refuses the frame before reading its payload.
            link.frameHeader(RawLink.DATA, 0, 1, 100_000);
            RawLink.Frame goAway = link.untilGoAway();
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(0x6); // FRAME_SIZE_ERROR
            assertThat(link.closedByEdge()).isTrue();
        }
        f.awaitClients("t-big", 0);
        demoStillServes();
    }

    @Test
    void aMalformedFrameEndsThatLinkAndNothingElse() throws Exception {
        try (RawLink link = claim("t-bad")) {
            // A stream the tunnel client may not open (streams are the edge's to open): refused.
            link.frame(RawLink.HEADERS, 0x4 | 0x1, 2, new byte[] {(byte) 0x88});
            RawLink.Frame refused = link.until(f -> f.type() == RawLink.RST_STREAM || f.type() == RawLink.GOAWAY);
            assertThat(refused).isNotNull();
            assertThat(refused.type()).isEqualTo(RawLink.RST_STREAM);
            assertThat(refused.stream()).isEqualTo(2);
            assertThat(refused.rstCode()).isEqualTo(0x7); // REFUSED_STREAM
            // DATA on the connection itself (stream 0) is a connection error: the link ends.
            link.frame(RawLink.DATA, 0, 0, new byte[] {1, 2, 3});
            RawLink.Frame goAway = link.untilGoAway();
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(0x1); // PROTOCOL_ERROR
            assertThat(link.closedByEdge()).isTrue();
        }
        try (RawLink link = RawLink.open(f.tunnelPort())) {
            link.hello("{\"token\":\"" + TunnelFixture.TOKEN + "\",\"name\":\"t-junk\",\"kind\":\"http\"}");
            assertThat(link.reply()).contains("\"ok\":true");
            link.send("this is not an HTTP/2 SETTINGS frame at all".getBytes(StandardCharsets.US_ASCII));
            RawLink.Frame goAway = link.untilGoAway();
            assertThat(goAway == null || goAway.errorCode() != 0).isTrue();
            assertThat(link.closedByEdge()).isTrue();
        }
        f.awaitClients("t-bad", 0);
        f.awaitClients("t-junk", 0);
        demoStillServes();
    }

    @Test
    void aClientThatStopsReadingHoldsBoundedMemoryThenIsDisconnected() throws Exception {
        RawLink link = claim("t-stuck");
        try {
            link.readAndAckPings();
            f.awaitClients("t-stuck", 1);
            // A public upload far larger than any buffer, to a client that never grants window.
            AtomicLong sent = new AtomicLong();
            Socket upload = new Socket("127.0.0.1", f.httpPort());
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try (OutputStream out = upload.getOutputStream()) {
                    out.write(("POST /sha256 HTTP/1.1\r\nHost: t-stuck.tunnel.example.test\r\nContent-Length: " + (1L << 30)
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    byte[] chunk = new byte[64 * 1024];
                    while (true) {
                        out.write(chunk);
                        sent.addAndGet(chunk.length);
                    }
                } catch (java.io.IOException e) {
                    // The edge closed the connection.
                }
            });
            // Wait until the edge stops taking more: the count holds still for two seconds.
            long[] last = {-1};
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                long now = sent.get();
                boolean still = now == last[0];
                last[0] = now;
                return still;
            });
            assertThat(sent.get()).as("bytes the edge accepted from the public client").isLessThan(32L << 20);
            demoStillServes();
            // Now the client stops reading the link altogether: the edge gives it up.
            link.stopReading();
            f.awaitClients("t-stuck", 0);
            writer.join(30_000);
            assertThat(writer.isAlive()).isFalse();
            upload.close();
            var r = f.curl("t-stuck", "/hello", "-i");
            assertThat(r.text()).startsWith("HTTP/1.1 503").contains("has no client connected");
            demoStillServes();
        } finally {
            link.close();
        }
    }
}
