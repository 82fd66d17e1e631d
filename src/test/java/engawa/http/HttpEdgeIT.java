package engawa.http;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Behaviour at the edges over real sockets (raw bytes, the production pipeline): each bad request gets
 * its exact status and the connection closes, after any well-formed request before it; well-formed
 * keep-alive and pipelined traffic is unaffected; slow clients time out, exchanges in flight never do.
 */
class HttpEdgeIT {
    private static final int READ_TIMEOUT = 15_000;
    private static final String GOOD = "GET /x HTTP/1.1\r\nHost: a.test\r\n\r\n";

    private static EdgeFixture edge;
    /** Short timeouts: 400 ms for a head, 800 ms idle; the slow route takes about 8 x 300 ms. */
    private static EdgeFixture timed;

    @BeforeAll
    static void start() {
        edge = new EdgeFixture(EdgeCases.LIMITS, 10, true);
        timed = new EdgeFixture("{header_timeout: 400ms, idle_timeout: 800ms}", 300, true);
    }

    @AfterAll
    static void stop() {
        edge.close();
        timed.close();
    }

    static Stream<EdgeCases.Case> cases() {
        return EdgeCases.all().stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void badRequestGetsItsStatusThenTheConnectionCloses(EdgeCases.Case c) {
        RawHttp.Reply r = RawHttp.send(edge.port(), c.bytes(), READ_TIMEOUT);
        assertThat(r.statuses()).as(r.text()).containsExactly(c.status());
        assertThat(r.closed()).as("closed").isTrue();
        assertThat(r.text().toLowerCase()).contains("connection: close");
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("cases")
    void aGoodRequestBeforeTheBadOneIsAnsweredFirst(EdgeCases.Case c) {
        byte[] raw = (GOOD + c.raw()).getBytes(StandardCharsets.ISO_8859_1);
        RawHttp.Reply r = RawHttp.send(edge.port(), raw, READ_TIMEOUT);
        assertThat(r.statuses()).as(r.text()).containsExactly(301, c.status());
        assertThat(r.closed()).as("closed").isTrue();
    }

    @Test
    void keepAliveAndPipelinedTrafficIsUnaffected() {
        RawHttp.Reply r = RawHttp.send(edge.port(), EdgeCases.GOOD_PIPELINE.getBytes(StandardCharsets.ISO_8859_1), READ_TIMEOUT);
        assertThat(r.statuses()).as(r.text()).isEqualTo(EdgeCases.GOOD_STATUSES);
        assertThat(r.text()).contains("200 OK: got 0\n", "200 OK: got 5\n", "200 OK: got 11\n")
                .contains("location: https://a.example//r?x=1");
        assertThat(r.closed()).isTrue();
    }

    @Test
    void trafficSentOneByteAtATimeIsUnaffected() throws IOException {
        try (Socket s = new Socket("127.0.0.1", edge.port())) {
            s.setTcpNoDelay(true);
            s.setSoTimeout(READ_TIMEOUT);
            OutputStream out = s.getOutputStream();
            for (byte b : EdgeCases.GOOD_PIPELINE.getBytes(StandardCharsets.ISO_8859_1)) {
                out.write(b);
                out.flush();
            }
            RawHttp.Reply r = RawHttp.read(s.getInputStream());
            assertThat(r.statuses()).as(r.text()).isEqualTo(EdgeCases.GOOD_STATUSES);
            assertThat(r.text()).contains("got 11\n");
        }
    }

    @Test
    void aHeadThatDoesNotArriveInTimeGets408ThenClose() throws IOException {
        try (Socket s = new Socket("127.0.0.1", timed.port())) {
            s.setSoTimeout(READ_TIMEOUT);
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: a.test\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Reply r = RawHttp.read(s.getInputStream());
            assertThat(r.statuses()).as(r.text()).containsExactly(408);
            assertThat(r.closed()).isTrue();
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedWithoutAWord() throws IOException {
        try (Socket s = new Socket("127.0.0.1", timed.port())) {
            s.setSoTimeout(READ_TIMEOUT);
            s.getOutputStream().write(GOOD.getBytes(StandardCharsets.US_ASCII));
            RawHttp.Reply r = RawHttp.read(s.getInputStream());
            assertThat(r.statuses()).containsExactly(301);
            assertThat(r.text()).doesNotContain("connection: close");
            assertThat(r.closed()).isTrue();
        }
    }

    @Test
    void aSilentNewConnectionIsClosedWhenIdle() throws IOException {
        try (Socket s = new Socket("127.0.0.1", timed.port())) {
            s.setSoTimeout(READ_TIMEOUT);
            RawHttp.Reply r = RawHttp.read(s.getInputStream());
            assertThat(r.text()).isEmpty();
            assertThat(r.closed()).isTrue();
        }
    }

    @Test
    void aSlowResponseOutlastingBothTimeoutsIsNeverCut() throws IOException {
        try (Socket s = new Socket("127.0.0.1", timed.port())) {
            s.setSoTimeout(READ_TIMEOUT);
            s.getOutputStream().write("GET /slow/ HTTP/1.1\r\nHost: a.test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Reply r = RawHttp.read(s.getInputStream());
            assertThat(r.statuses()).containsExactly(200);
            assertThat(r.text()).contains("piece 0\n", "piece 7\n").endsWith("0\r\n\r\n");
            assertThat(r.closed()).as("closed by the idle timeout after the response").isTrue();
        }
    }

    @Test
    void aSlowBodyIsNotAHeaderTimeout() throws IOException, InterruptedException {
        try (Socket s = new Socket("127.0.0.1", timed.port())) {
            s.setSoTimeout(READ_TIMEOUT);
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            out.write("POST /echo/ HTTP/1.1\r\nHost: a.test\r\nContent-Length: 4\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            for (int i = 0; i < 4; i++) {
                // The body dribbles in over about twice the header timeout: the exchange is in flight, not idle.
                Thread.sleep(200);
                out.write('b');
                out.flush();
            }
            InputStream in = s.getInputStream();
            RawHttp.Reply r = RawHttp.read(in);
            assertThat(r.statuses()).containsExactly(200);
            assertThat(r.text()).contains("got 4\n");
        }
    }

    @Test
    void aHeadTimeoutBehindAResponseInFlightIsAnsweredAfterIt() throws IOException {
        try (Socket s = new Socket("127.0.0.1", timed.port())) {
            s.setSoTimeout(READ_TIMEOUT);
            s.getOutputStream().write("GET /slow/ HTTP/1.1\r\nHost: a.test\r\n\r\nGET / HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Reply r = RawHttp.read(s.getInputStream());
            assertThat(r.statuses()).containsExactly(200, 408);
            assertThat(r.text()).contains("piece 7\n");
            assertThat(r.closed()).isTrue();
        }
    }

    @Test
    void aClientStillSendingATooLargeBodyGetsIts413AndNoReset() throws Exception {
        try (Socket s = new Socket("127.0.0.1", edge.port())) {
            s.setSoTimeout(READ_TIMEOUT);
            OutputStream out = s.getOutputStream();
            out.write("POST /echo/ HTTP/1.1\r\nHost: a.test\r\nContent-Length: 1048576\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            RawHttp.Reply r = RawHttp.read(s.getInputStream());
            assertThat(r.statuses()).as(r.text()).containsExactly(413);
            assertThat(r.closed()).as("end of stream after the 413").isTrue();
            // The server half-closed and keeps reading what the client still sends, instead of resetting
            // the connection (which could destroy an answer the client has not read yet).
            byte[] chunk = new byte[16 * 1024];
            for (int i = 0; i < 64; i++) {
                out.write(chunk);
                out.flush();
            }
        }
    }

    @Test
    void theListenerStillServesAfterEveryBadRequest() {
        for (EdgeCases.Case c : EdgeCases.all()) {
            RawHttp.send(edge.port(), c.bytes(), READ_TIMEOUT);
        }
        RawHttp.Reply r = RawHttp.send(edge.port(), (GOOD.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"))
                .getBytes(StandardCharsets.US_ASCII), READ_TIMEOUT);
        assertThat(r.statuses()).isEqualTo(List.of(301));
    }
}
