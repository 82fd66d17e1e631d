package engawa.http.proxy;

import engawa.http.BodyReceiver;
import engawa.http.ErrorResponses;
import engawa.http.HttpExchange;
import engawa.upstream.ConnectionCallback;
import engawa.upstream.HealthProbe;
import engawa.upstream.UpstreamConnection;
import engawa.upstream.UpstreamPool;
import engawa.upstream.UpstreamServer;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through the proxy, on the client connection's event loop (the upstream connection is
 * opened on the same loop, so nothing here is shared across threads).
 *
 * <p>The request head goes up as soon as a connection is ready, then the body as it arrives: nothing is
 * held whole. Each direction has back-pressure: when the upstream cannot take more body, the client is
 * not read; when the client cannot take more response, the upstream is not read.
 *
 * <p>Failures. A server that cannot be reached is ejected (passive check) and the request goes to another
 * server, up to {@code retries} times, when it can be replayed: nothing was sent yet, or it is idempotent
 * (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) and no body byte went up. A kept-alive connection that turns
 * out closed before answering is retried once more on a fresh connection, for replayable requests, without
 * counting against the server. After that: 502 for a connection failure, 504 when the connection timed
 * out or no response head came within {@code timeouts.response_header} of the request's end (that is not
 * retried: the server may still be working on it). With every server down the answer is 502 at once.
 * Once the response has started, a failure can only cut the client connection.
 *
 * <p>Upgrades: a 101 from the upstream turns both connections into a byte {@link Relay}.
 */
final class ProxyExchange implements BodyReceiver, ConnectionCallback {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyExchange.class);
    /** Body bytes held while no upstream connection is ready; above this the client is not read. */
    private static final int WAITING_LIMIT = 64 * 1024;
    private static final int STALE_RETRIES = 2;

    private final HttpExchange ex;
    private final UpstreamPool pool;
    private final EventLoop loop;
    private final HttpRequest head;
    private final boolean idempotent;
    private final boolean upgrade;
    private final long keyHash;
    private final long maxBody;

    private int retriesLeft;
    private int staleRetriesLeft = STALE_RETRIES;
    private BitSet tried;
    private UpstreamServer server;
    private UpstreamConnection conn;
    private ProxyBackendHandler backend;
    private boolean headSent;
    private boolean requestSent;
    private boolean bodyForwarded;
    private boolean bodyEnded;
    private boolean responseStarted;
    private boolean upstreamKeepAlive;
    private boolean skipInformational;
    private boolean upstreamPaused;
    private boolean clientPaused;
    private boolean done;
    private long bodyBytes;
    private ArrayDeque<HttpContent> waiting;
    private int waitingBytes;
    private ScheduledFuture<?> headerTimer;

    ProxyExchange(ProxyHandler handler, HttpExchange ex) {
        this.ex = ex;
        this.pool = handler.pool();
        this.loop = ex.channel().eventLoop();
        HttpRequest request = ex.request();
        this.upgrade = ProxyHeaders.wantsUpgrade(request);
        String target = ProxyTarget.of(ex.path(), handler.prefix(), handler.stripPrefix());
        String absoluteHost = engawa.http.RequestPath.hostOfAbsolute(ex.path().raw());
        String host = absoluteHost != null ? absoluteHost : request.headers().get(io.netty.handler.codec.http.HttpHeaderNames.HOST);
        this.head = ProxyHeaders.upstreamRequest(request, target, host, ex.clientAddress(), ex.secure(), upgrade);
        this.idempotent = isIdempotent(request.method());
        this.keyHash = pool.keyHash() == null ? 0 : pool.keyHash().hash(request, ex.clientAddress());
        this.maxBody = ex.route().maxBody();
        this.retriesLeft = pool.config().retries();
    }

    /** RFC 9110 9.2.2. */
    static boolean isIdempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE) || m.equals(HttpMethod.TRACE);
    }

    void start() {
        ex.onComplete(this::exchangeEnded);
        ex.onWritabilityChanged(this::clientWritabilityChanged);
        ex.receiveBody(this);
        if (ex.requestComplete() && !bodyEnded) {
            // A request that came whole (HTTP/2) without a body: no end piece will follow.
            content(LastHttpContent.EMPTY_LAST_CONTENT, true);
        }
        if (!done) {
            attempt(502);
        }
    }

    private void attempt(int statusIfNone) {
        UpstreamServer s = pool.pick(loop, keyHash, tried);
        if (s == null) {
            fail(statusIfNone, tried == null ? "no server available" : "no other server available");
            return;
        }
        connectTo(s);
    }

    private void connectTo(UpstreamServer s) {
        server = s;
        s.begin();
        headSent = false;
        requestSent = false;
        pool.acquire(s, loop, this);
    }

    // ---- connection ----

    @Override
    public void connected(UpstreamConnection c) {
        if (done) {
            // The client went away while connecting: the fresh connection is clean, keep it.
            endAttempt();
            c.release();
            return;
        }
        conn = c;
        backend = c.attachment();
        if (backend == null) {
            backend = new ProxyBackendHandler();
            c.channel().pipeline().addBefore("pool", "http", new HttpClientCodec(new HttpDecoderConfig()
                    .setMaxInitialLineLength(8 * 1024)
                    .setMaxHeaderSize(64 * 1024)
                    .setMaxChunkSize(64 * 1024), false, false));
            c.channel().pipeline().addBefore("pool", "proxy", backend);
            c.attach(backend);
        }
        backend.bind(this);
        Channel ch = c.channel();
        ch.write(head, ch.voidPromise());
        headSent = true;
        boolean replayEnd = bodyEnded && (waiting == null || waiting.isEmpty());
        if (waiting != null) {
            HttpContent piece;
            while (conn == c && (piece = waiting.poll()) != null) {
                waitingBytes -= piece.content().readableBytes();
                forward(piece, piece instanceof LastHttpContent, false);
            }
        }
        if (conn != c) {
            return;
        }
        if (replayEnd) {
            // A retry of a request whose (empty) body already ended: end it again on this connection.
            forward(LastHttpContent.EMPTY_LAST_CONTENT, true, false);
        }
        ch.flush();
        if (clientPaused && ch.isWritable()) {
            clientPaused = false;
            ex.resumeReading();
        }
    }

    @Override
    public void connectFailed(Throwable cause) {
        UpstreamServer s = server;
        endAttempt();
        if (done) {
            return;
        }
        String why = HealthProbe.describe(cause);
        s.connectionFailed(why);
        retryOrFail(s, cause instanceof ConnectTimeoutException ? 504 : 502, why);
    }

    // ---- request body, client to upstream ----

    @Override
    public void content(HttpContent content, boolean last) {
        if (done || !responseStarted && ex.responseStarted()) {
            // Answered already (by us, or by the dispatcher's 413): the rest of the body is dropped.
            content.release();
            if (!done) {
                abandon();
            }
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (bodyBytes > maxBody) {
            content.release();
            if (responseStarted) {
                abandon();
                ex.abort();
            } else {
                fail(413, "body over " + maxBody + " bytes");
            }
            return;
        }
        if (last) {
            bodyEnded = true;
        }
        if (conn == null) {
            if (waiting == null) {
                waiting = new ArrayDeque<>(4);
            }
            waiting.add(content);
            waitingBytes += content.content().readableBytes();
            if (waitingBytes > WAITING_LIMIT && !clientPaused) {
                clientPaused = true;
                ex.pauseReading();
            }
            return;
        }
        forward(content, last, true);
    }

    private void forward(HttpContent content, boolean last, boolean flush) {
        Channel ch = conn.channel();
        if (content.content().isReadable()) {
            bodyForwarded = true;
        }
        if (flush) {
            ch.writeAndFlush(content, ch.voidPromise());
        } else {
            ch.write(content, ch.voidPromise());
        }
        if (last) {
            requestSent = true;
            if (!responseStarted && headerTimer == null) {
                headerTimer = loop.schedule(this::headerTimedOut,
                        pool.config().timeouts().responseHeader().toMillis(), TimeUnit.MILLISECONDS);
            }
        } else if (!ch.isWritable() && !clientPaused) {
            clientPaused = true;
            ex.pauseReading();
        }
    }

    void upstreamWritabilityChanged() {
        if (clientPaused && conn != null && conn.channel().isWritable()) {
            clientPaused = false;
            ex.resumeReading();
        }
    }

    @Override
    public void aborted() {
        exchangeEnded();
    }

    // ---- response, upstream to client ----

    void upstreamRead(Object msg) {
        if (done) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                upstreamFailed(r.decoderResult().cause());
                return;
            }
            int code = r.status().code();
            if (code == 101 && upgrade) {
                ReferenceCountUtil.release(msg);
                switchProtocols(r);
                return;
            }
            if (code < 200) {
                // 100 Continue, 103 Early Hints: the client is not waiting for these; skip them and their end.
                skipInformational = true;
                ReferenceCountUtil.release(msg);
                return;
            }
            cancelHeaderTimer();
            upstreamKeepAlive = HttpUtil.isKeepAlive(r) && !upgrade;
            ProxyHeaders.prepareResponse(r, ex.request());
            responseStarted = true;
            ex.write(r);
            if (!(msg instanceof HttpContent)) {
                return;
            }
        }
        if (msg instanceof HttpContent c) {
            if (skipInformational || !responseStarted) {
                if (c instanceof LastHttpContent) {
                    skipInformational = false;
                }
                c.release();
                return;
            }
            if (c.decoderResult().isFailure()) {
                Throwable cause = c.decoderResult().cause();
                c.release();
                upstreamFailed(cause);
                return;
            }
            if (c instanceof LastHttpContent) {
                // Let go of the upstream first: writing the end may complete the exchange right away.
                responseEnded();
                ex.writeAndFlush(c);
            } else {
                ex.write(c);
                if (!ex.channel().isWritable() && !upstreamPaused) {
                    upstreamPaused = true;
                    conn.channel().config().setAutoRead(false);
                }
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    void upstreamReadComplete() {
        if (responseStarted && !done) {
            ex.ctx().flush();
        }
    }

    private void clientWritabilityChanged() {
        if (upstreamPaused && conn != null && ex.channel().isWritable()) {
            upstreamPaused = false;
            conn.channel().config().setAutoRead(true);
        }
    }

    private void responseEnded() {
        done = true;
        cancelHeaderTimer();
        UpstreamConnection c = conn;
        conn = null;
        backend.unbind();
        if (upstreamKeepAlive && requestSent) {
            c.release();
        } else {
            // Closed by the server's wish, or the body was not all sent (an early answer): not reusable.
            c.close();
        }
        endAttempt();
        releaseWaiting();
    }

    // ---- failures ----

    /** The upstream connection closed ({@code cause} null) or failed while this exchange used it. */
    void upstreamFailed(Throwable cause) {
        if (done) {
            return;
        }
        UpstreamConnection c = conn;
        UpstreamServer s = server;
        closeUpstream();
        cancelHeaderTimer();
        endAttempt();
        if (responseStarted) {
            s.countFailure();
            done = true;
            releaseWaiting();
            LOG.debug("upstream {}: {} broke off the response to {} {}", pool.name(), s.label(), head.method(), head.uri());
            ex.abort();
            return;
        }
        String why = cause == null ? "closed the connection before answering" : HealthProbe.describe(cause);
        if (c != null && c.reused() && canReplay() && staleRetriesLeft > 0) {
            // Most likely a kept-alive connection the server had just closed: not the server's fault.
            staleRetriesLeft--;
            connectTo(s);
            return;
        }
        s.connectionFailed(why);
        retryOrFail(s, 502, why);
    }

    /** No traffic either way on the upstream connection for {@code timeouts.idle}. */
    void upstreamIdle() {
        if (done) {
            return;
        }
        if (!requestSent) {
            // The client stopped sending its body.
            fail(408, "the client sent no body for " + pool.config().timeouts().idle().toMillis() + " ms");
        } else if (!responseStarted) {
            server.countFailure();
            fail(504, "no response within " + pool.config().timeouts().idle().toMillis() + " ms");
        } else {
            server.countFailure();
            abandon();
            ex.abort();
        }
    }

    private void headerTimedOut() {
        headerTimer = null;
        if (done || responseStarted) {
            return;
        }
        server.countFailure();
        fail(504, "no response head within " + pool.config().timeouts().responseHeader().toMillis() + " ms");
    }

    private boolean canReplay() {
        return !bodyForwarded && (idempotent || !headSent);
    }

    private void retryOrFail(UpstreamServer failed, int status, String why) {
        if (retriesLeft > 0 && canReplay() && !ex.responseStarted()) {
            retriesLeft--;
            if (tried == null) {
                tried = new BitSet(pool.servers().size());
            }
            tried.set(failed.index());
            LOG.debug("upstream {}: {} failed ({}), retrying {} {} on another server", pool.name(), failed.label(), why,
                    head.method(), head.uri());
            attempt(status);
        } else {
            fail(status, failed.label() + ": " + why);
        }
    }

    private void fail(int status, String why) {
        abandon();
        if (status >= 500) {
            LOG.warn("upstream {}: {} for {} {}: {}", pool.name(), status, head.method(), head.uri(), why);
        }
        if (!ex.responseStarted()) {
            // With the body still coming, close rather than read the rest just to drop it.
            ErrorResponses.send(ex, status, null, !bodyEnded);
        } else if (!ex.responseComplete()) {
            ex.abort();
        }
    }

    /** Gives up on the upstream side: nothing more will be sent or read for this exchange. */
    private void abandon() {
        done = true;
        cancelHeaderTimer();
        closeUpstream();
        endAttempt();
        releaseWaiting();
    }

    /** The client exchange ended: response written, or the client went away. */
    private void exchangeEnded() {
        if (!done) {
            abandon();
        }
    }

    private void closeUpstream() {
        if (conn != null) {
            backend.unbind();
            conn.close();
            conn = null;
        }
    }

    private void endAttempt() {
        if (server != null) {
            server.end();
            server = null;
        }
    }

    private void cancelHeaderTimer() {
        if (headerTimer != null) {
            headerTimer.cancel(false);
            headerTimer = null;
        }
    }

    private void releaseWaiting() {
        if (waiting != null) {
            HttpContent c;
            while ((c = waiting.poll()) != null) {
                c.release();
            }
            waitingBytes = 0;
        }
    }

    // ---- upgrade ----

    /**
     * The upstream agreed to switch protocols: send the 101 on, then take the HTTP codecs out of both
     * pipelines and relay bytes. The upstream connection leaves its pool for good; its server's
     * in-flight slot is held until the relay closes.
     */
    private void switchProtocols(HttpResponse r) {
        cancelHeaderTimer();
        done = true;
        responseStarted = true;
        UpstreamConnection c = conn;
        UpstreamServer s = server;
        conn = null;
        server = null;
        backend.unbind();
        ProxyHeaders.prepareResponse(r, ex.request());
        DefaultFullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(),
                Unpooled.EMPTY_BUFFER, r.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        ex.writeAndFlush(switching);

        Channel client = ex.channel();
        Channel upstream = c.channel();
        ChannelPipeline cp = client.pipeline();
        cp.addAfter(ex.ctx().name(), "relay", new Relay(upstream));
        cp.remove(ex.ctx().name());
        removeIfPresent(cp, ChunkedWriteHandler.class);
        removeIfPresent(cp, HttpServerKeepAliveHandler.class);
        // The codec last: bytes it holds undecoded go on to the relay.
        removeIfPresent(cp, HttpServerCodec.class);

        ChannelPipeline up = upstream.pipeline();
        up.addAfter("proxy", "relay", new Relay(client));
        up.remove("proxy");
        up.remove("http");
        upstream.closeFuture().addListener(f -> s.end());
        upstream.config().setAutoRead(true);
        client.config().setAutoRead(true);
        if (!client.isActive()) {
            upstream.close();
        }
    }

    private static void removeIfPresent(ChannelPipeline p, Class<? extends io.netty.channel.ChannelHandler> type) {
        if (p.get(type) != null) {
            p.remove(type);
        }
    }
}
