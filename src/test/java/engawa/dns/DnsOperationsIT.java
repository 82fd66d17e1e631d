package engawa.dns;

import static engawa.testing.Dig.dig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.TestServer;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/** What operators rely on: response rate limiting, metrics, TCP timeouts, and a listener no input can stop. */
class DnsOperationsIT {
    private static TestServer server;
    private static int port;

    @BeforeAll
    static void start() {
        server = TestServer.start("""
                listen: {dns: "127.0.0.1:0"}
                dns: {tcp_idle_timeout: 1s, rate_limit: {responses_per_second: 5, slip: 2}}
                zones:
                  example.test:
                    records:
                      - {name: "@", type: NS, values: [ns1]}
                      - {name: ns1, type: A, values: [192.0.2.53]}
                      - {name: www, type: A, values: [192.0.2.1]}
                """);
        port = server.port("dns");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void responsesOverTheRateAreDroppedOrSentTruncatedButTcpIsNotLimited() throws IOException {
        int full = 0;
        int truncated = 0;
        int sent = 60;
        long started = System.nanoTime();
        try (DatagramSocket s = new DatagramSocket()) {
            s.setSoTimeout(500);
            byte[] query = Answering.query("www.example.test.", Type.A, false);
            for (int i = 0; i < sent; i++) {
                s.send(new DatagramPacket(query, query.length, InetAddress.getLoopbackAddress(), port));
            }
            byte[] buf = new byte[512];
            while (true) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                Message m = new Message(Arrays.copyOf(buf, p.getLength()));
                if (m.getHeader().getFlag(Flags.TC)) {
                    truncated++;
                } else {
                    full++;
                }
            }
        }
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertThat(full).isBetween(1, (int) (5 * (seconds + 2)));
        assertThat(truncated).isPositive();
        assertThat(full + truncated).isLessThan(sent);
        assertThat(dig(port, "+tcp", "www.example.test", "A")).contains("status: NOERROR").contains("192.0.2.1");
    }

    @Test
    void queriesAreCountedByZoneTypeAndRcodeWithALatencyHistogram() {
        dig(port, "+tcp", "www.example.test", "A");
        dig(port, "+tcp", "nothing.example.test", "AAAA");
        dig(port, "+tcp", "www.example.org", "A");
        String metrics = server.server().services().meters().scrape();
        assertThat(metrics).containsPattern("engawa_dns_queries_total\\{rcode=\"NOERROR\",type=\"A\",zone=\"example\\.test\\.\"} [1-9]");
        assertThat(metrics).containsPattern("engawa_dns_queries_total\\{rcode=\"NXDOMAIN\",type=\"AAAA\",zone=\"example\\.test\\.\"} [1-9]");
        assertThat(metrics).containsPattern("engawa_dns_queries_total\\{rcode=\"REFUSED\",type=\"A\",zone=\"none\"} [1-9]");
        assertThat(metrics).contains("engawa_dns_latency_seconds_bucket{le=\"1.0E-4\"}").contains("engawa_dns_latency_seconds_count");
    }

    @Test
    void anIdleTcpConnectionIsClosed() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            long started = System.nanoTime();
            assertThat(s.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThan(Duration.ofMillis(500));
        }
    }

    @Test
    void garbageOverTcpClosesThatConnectionOnlyAndPipelinedQueriesAreAnswered() throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(5);
            out.write(new byte[] {1, 2, 3, 4, 5});
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            for (String name : new String[] {"www.example.test.", "ns1.example.test.", "nothing.example.test."}) {
                byte[] q = Answering.query(name, Type.A, false);
                out.writeShort(q.length);
                out.write(q);
            }
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(read(in).getSection(1).get(0).rdataToString()).isEqualTo("192.0.2.1");
            assertThat(read(in).getSection(1).get(0).rdataToString()).isEqualTo("192.0.2.53");
            assertThat(read(in).getRcode()).isEqualTo(3);
        }
    }

    private static Message read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] m = new byte[d.readUnsignedShort()];
        d.readFully(m);
        return new Message(m);
    }

    @Test
    void theListenerKeepsAnsweringAfterMalformedDatagrams() throws IOException {
        try (DatagramSocket s = new DatagramSocket()) {
            for (byte[] junk : new byte[][] {new byte[0], new byte[3], new byte[12], "not dns at all, just text".getBytes(),
                    new byte[2000]}) {
                s.send(new DatagramPacket(junk, junk.length, InetAddress.getLoopbackAddress(), port));
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> dig(port, "+tcp", "www.example.test", "A").contains("192.0.2.1"));
    }
}
