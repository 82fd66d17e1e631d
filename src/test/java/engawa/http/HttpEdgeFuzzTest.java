package engawa.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.FuzzTest;
import engawa.testing.RawHttp;
import engawa.testing.TestServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.slf4j.LoggerFactory;

/**
 * Arbitrary bytes against the HTTP edge, with Jazzer.
 *
 * <p>CI ({@code ./mvnw verify}) runs both tests in regression mode over the committed seed corpus in
 * {@code src/test/resources/engawa/http/HttpEdgeFuzzTestInputs/} (every case of {@link EdgeCases},
 * smuggling attempts, good traffic), which takes seconds. To fuzz for real, one test per run, for the
 * annotation's {@code maxDuration}, with {@code jazzer.hooks=true} in junit-platform.properties for that run
 * (without Jazzer's agent it has no coverage to guide it):
 * <pre>
 *   JAZZER_FUZZ=1 ./mvnw -B test -Dtest='HttpEdgeFuzzTest#pipelineKeepsItsInvariants'
 *   JAZZER_FUZZ=1 ./mvnw -B test -Dtest='HttpEdgeFuzzTest#listenerStaysUp'
 * </pre>
 * Inputs that find new code paths go to {@code .cifuzz-corpus/}; a failing input is written beside the
 * seeds, so the next {@code verify} replays it (commit it once fixed).
 */
class HttpEdgeFuzzTest {
    /** What the edge may answer: the routes' own statuses and the refusals, never 500. */
    private static final Set<Integer> ALLOWED = Set.of(100, 200, 301, 400, 404, 408, 413, 414, 431, 501, 505);

    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();
    private static EdgeFixture pipeline;
    private static TestServer server;

    @BeforeAll
    static void start() {
        LOG.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
        pipeline = new EdgeFixture(EdgeCases.LIMITS, 10, false);
        server = TestServer.start("""
                listen: {http: "127.0.0.1:0"}
                http: {max_request_line: 1KiB, max_header_size: 2KiB, max_body: 1KiB, header_timeout: 2s}
                sites:
                  a:
                    hosts: [a.test]
                    routes:
                      - {path: /, redirect: {to: "https://a.example{uri}", status: 301}}
                """);
    }


    /**
     * The production pipeline in memory: whole and in small pieces, then with time run past the header
     * and idle timeouts. No exception escapes or is logged, every response is well-formed with an allowed
     * status, nothing follows a {@code Connection: close} response, the connection ends closed, every
     * input buffer is released, and cutting the input differently changes no byte of the output.
     */
    @FuzzTest(maxDuration = "5m")
    void pipelineKeepsItsInvariants(byte[] input) {
        LOG.list.clear();
        Run whole = run(input, input.length == 0 ? 1 : input.length);
        Run pieces = run(input, 1 + (input.length % 7));
        List<String> problems = new ArrayList<>();
        for (ILoggingEvent e : LOG.list) {
            if (e.getLevel().isGreaterOrEqual(Level.WARN)) {
                problems.add(e.getLoggerName() + ": " + e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                        : " (" + e.getThrowableProxy().getClassName() + ": " + e.getThrowableProxy().getMessage() + ")"));
            }
        }
        assertThat(problems).as("warnings or errors logged").isEmpty();
        checkResponses(whole);
        assertThat(pieces.output).as("output when the input comes in pieces").isEqualTo(whole.output);
    }

    /**
     * The running server: the input on its own connection, then a well-formed request on a new one must
     * be answered correctly.
     */
    @FuzzTest(maxDuration = "5m")
    void listenerStaysUp(byte[] input) throws IOException {
        try (SilentCloseable ignored = BugDetectors.allowNetworkConnections((host, port) -> host.equals("127.0.0.1"))) {
            int port = server.port("http");
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(input);
                s.shutdownOutput();
                RawHttp.Reply r = RawHttp.read(s.getInputStream());
                assertThat(r.statuses()).as("statuses").doesNotContain(500);
            } catch (java.net.SocketException e) {
                // The server may close before taking every byte: what matters is what comes next.
            }
            RawHttp.Reply after = RawHttp.send(port,
                    "GET /after?x=1 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII), 10_000);
            assertThat(after.statuses()).containsExactly(301);
            assertThat(after.text()).contains("location: https://a.example/after?x=1\r\n");
        }
    }

    /** What one run produced: the bytes written back and the methods of the requests decoded, in order. */
    private record Run(byte[] output, List<HttpMethod> methods, boolean closed) {
    }

    private static Run run(byte[] input, int pieceSize) {
        List<HttpMethod> methods = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(pipeline.initializer());
        ch.freezeTime();
        ch.pipeline().addAfter("codec", "methods", new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpRequest r) {
                    methods.add(r.method());
                }
                ctx.fireChannelRead(msg);
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<ByteBuf> fed = new ArrayList<>();
        int at = 0;
        int waits = 0;
        while (at < input.length && ch.isActive()) {
            if (!ch.config().isAutoRead()) {
                // The dispatcher stopped reading until a response is out: let time pass as a socket would.
                if (++waits > 200) {
                    fail("reading paused for good after " + at + " of " + input.length + " bytes");
                }
                ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
                ch.runPendingTasks();
                drain(ch, out);
                continue;
            }
            int n = Math.min(pieceSize, input.length - at);
            ByteBuf piece = Unpooled.wrappedBuffer(input, at, n);
            fed.add(piece);
            ch.writeInbound(piece);
            at += n;
            drain(ch, out);
        }
        // Past the header timeout (10 s by default), then the idle timeout (75 s): nothing lives for ever. In
        // steps of 100 ms, so that pipelined slow responses (a scheduled task per piece) all get to finish.
        for (int i = 0; i < 3_000 && ch.isActive(); i++) {
            ch.advanceTimeBy(100, TimeUnit.MILLISECONDS);
            ch.runPendingTasks();
            drain(ch, out);
        }
        boolean closed = !ch.isActive();
        ch.finishAndReleaseAll();
        drain(ch, out);
        for (ByteBuf b : fed) {
            assertThat(b.refCnt()).as("input buffer released").isZero();
        }
        assertThat(closed).as("connection closed in the end").isTrue();
        return new Run(out.toByteArray(), methods, closed);
    }

    private static void drain(EmbeddedChannel ch, ByteArrayOutputStream out) {
        Object msg;
        while ((msg = ch.readOutbound()) != null) {
            if (msg instanceof ByteBuf b) {
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                out.writeBytes(bytes);
                b.release();
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
                fail("unexpected outbound " + msg.getClass().getName());
            }
        }
    }

    /** Parses the output as HTTP/1.1 responses, strictly, one per decoded request plus any 100 Continue. */
    private static void checkResponses(Run run) {
        byte[] b = run.output;
        String text = new String(b, StandardCharsets.ISO_8859_1);
        int at = 0;
        int request = 0;
        while (at < b.length) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            assertThat(headEnd).as("end of a response head in %s", text).isGreaterThan(at);
            String[] lines = text.substring(at, headEnd).split("\r\n", -1);
            assertThat(lines[0]).as("status line").matches("HTTP/1\\.1 \\d{3} [A-Za-z -]+");
            int status = Integer.parseInt(lines[0].substring(9, 12));
            assertThat(ALLOWED).as("status %s", status).contains(status);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (int i = 1; i < lines.length; i++) {
                assertThat(lines[i]).as("header line").matches("[a-z0-9-]+: [\\x20-\\x7e]*");
                String name = lines[i].substring(0, lines[i].indexOf(':'));
                String value = lines[i].substring(name.length() + 2);
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.equals("chunked");
                    case "connection" -> close = value.equals("close");
                    default -> {
                    }
                }
            }
            at = headEnd + 4;
            if (status == 100) {
                continue;
            }
            HttpMethod method = request < run.methods.size() ? run.methods.get(request) : HttpMethod.GET;
            request++;
            if (method.equals(HttpMethod.HEAD)) {
                length = 0;
                chunked = false;
            }
            if (chunked) {
                at = skipChunked(text, at);
            } else {
                assertThat(length).as("content-length of a %s response", status).isGreaterThanOrEqualTo(0);
                assertThat(at + length).as("body within the output").isLessThanOrEqualTo(b.length);
                at += (int) length;
            }
            if (close) {
                assertThat(at).as("nothing after Connection: close").isEqualTo(b.length);
            }
        }
        assertThat(request).as("responses").isLessThanOrEqualTo(run.methods.size() + 1);
    }

    /**
     * Skips a chunked body. One may be cut short by the end of the output: a response already under way
     * when its request turned out malformed (a bad chunk in the body) can only be ended by closing.
     */
    private static int skipChunked(String text, int at) {
        while (true) {
            int lineEnd = text.indexOf("\r\n", at);
            if (lineEnd < 0) {
                assertThat(text.substring(at)).as("a cut chunk size line").matches("[0-9a-f]*");
                return text.length();
            }
            assertThat(lineEnd).as("chunk size line").isGreaterThan(at);
            int size = Integer.parseInt(text.substring(at, lineEnd), 16);
            if (lineEnd + 2 + size + 2 > text.length()) {
                return text.length();
            }
            at = lineEnd + 2 + size;
            assertThat(text.startsWith("\r\n", at)).as("chunk end").isTrue();
            at += 2;
            if (size == 0) {
                return at;
            }
        }
    }

    @AfterAll
    static void stopAndCheckNothingLeaked() {
        pipeline.close();
        server.close();
        // Paranoid leak detection reports on later allocations once leaked buffers are collected.
        for (int i = 0; i < 5; i++) {
            System.gc();
            for (int j = 0; j < 100; j++) {
                ByteBufAllocator.DEFAULT.buffer(16).release();
            }
        }
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
        assertThat(LOG.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("LEAK"))).isEmpty();
    }
}
