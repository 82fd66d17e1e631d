package engawa.http;

import engawa.config.BindAddress;
import engawa.config.ConfigDocument;
import engawa.snapshot.Services;
import engawa.snapshot.Snapshot;
import engawa.snapshot.SnapshotCompiler;
import engawa.snapshot.SnapshotHolder;
import engawa.testing.TestServer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The production HTTP pipeline ({@link HttpServerInitializer}) on a real listener or an
 * {@code EmbeddedChannel}, with routes no config can build yet: site {@code a.test} with
 * <ul>
 *   <li>{@code /echo/}: reads the whole body, then answers 200 {@code got N}; max body from {@code http.max_body};</li>
 *   <li>{@code /slow/}: answers 200 at once, then sends its body in 8 pieces, one every
 *       {@code slowStepMillis} (an exchange that outlasts the timeouts);</li>
 *   <li>everything else: 301 to {@code https://a.example/{uri}}.</li>
 * </ul>
 */
final class EdgeFixture implements AutoCloseable {
    private final Path dir = TestServer.newDir();
    private final Services services;
    private final HttpListenerContext context;
    private HttpListener listener;

    /** @param http the {@code http:} settings as YAML flow, e.g. {@code {header_timeout: 1s}} */
    EdgeFixture(String http, long slowStepMillis, boolean live) {
        Snapshot compiled;
        try (Services dry = Services.dry(null, dir)) {
            String yaml = "listen: {http: \"127.0.0.1:0\"}\nhttp: " + http + "\nsites: {}\n";
            compiled = new SnapshotCompiler(dry).compile(ConfigDocument.parse(yaml, dir), 1).snapshot();
        }
        long maxBody = compiled.config().http().maxBody();
        Site site = new Site("a", List.of("a.test"), null, false, List.of(
                new Route("/", "routes[0]", maxBody, new RedirectHandler("https://a.example/{uri}", 301)),
                new Route("/echo/", "routes[1]", maxBody, EdgeFixture::echo),
                new Route("/slow/", "routes[2]", maxBody, ex -> slow(ex, slowStepMillis))));
        Snapshot snapshot = withHttp(compiled, new HttpRouting(List.of(site)));
        this.services = live ? Services.live(null, dir, 1) : Services.dry(null, dir);
        this.context = new HttpListenerContext(new SnapshotHolder(snapshot), services, new HttpConnections(), null, () -> 0);
        if (live) {
            listener = new HttpListener("http", new BindAddress("127.0.0.1", 0), context);
        }
    }

    /** A copy of {@code s} serving {@code routing}; by its record components, so parts added later carry over. */
    private static Snapshot withHttp(Snapshot s, HttpRouting routing) {
        try {
            RecordComponent[] parts = Snapshot.class.getRecordComponents();
            Object[] values = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                values[i] = types[i] == HttpRouting.class ? routing : parts[i].getAccessor().invoke(s);
            }
            return Snapshot.class.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The pipeline every connection gets. */
    HttpServerInitializer initializer() {
        return new HttpServerInitializer(context);
    }

    int port() {
        return listener.port();
    }

    private static void echo(HttpExchange ex) {
        long[] seen = {0};
        ex.receiveBody(new BodyReceiver() {
            @Override
            public void content(HttpContent content, boolean last) {
                seen[0] += content.content().readableBytes();
                content.release();
                if (last && !ex.responseStarted()) {
                    boolean head = ex.request().method().equals(HttpMethod.HEAD);
                    FullHttpResponse r = ErrorResponses.build(200, "got " + seen[0], head);
                    if (!HttpUtil.isKeepAlive(ex.request())) {
                        HttpUtil.setKeepAlive(r, false);
                    }
                    ex.writeAndFlush(r);
                }
            }
        });
    }

    private static void slow(HttpExchange ex, long stepMillis) {
        var head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpUtil.setTransferEncodingChunked(head, true);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain");
        ex.writeAndFlush(head);
        step(ex, stepMillis, 0);
    }

    private static void step(HttpExchange ex, long stepMillis, int n) {
        ex.ctx().executor().schedule(() -> {
            if (!ex.channel().isActive()) {
                ex.abort();
                return;
            }
            var piece = Unpooled.copiedBuffer("piece " + n + "\n", StandardCharsets.US_ASCII);
            if (n == 7) {
                ex.writeAndFlush(new DefaultLastHttpContent(piece));
            } else {
                ex.writeAndFlush(new DefaultHttpContent(piece));
                step(ex, stepMillis, n + 1);
            }
        }, stepMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.close();
        }
        services.close();
        dir.toFile().delete();
    }
}
