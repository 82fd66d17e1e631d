package engawa.http.fastcgi;

import engawa.http.BodyReceiver;
import engawa.http.ErrorResponses;
import engawa.http.HttpExchange;
import engawa.upstream.ConnectionCallback;
import engawa.upstream.HealthProbe;
import engawa.upstream.UpstreamConnection;
import engawa.upstream.UpstreamPool;
import engawa.upstream.UpstreamServer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through FastCGI, on the client connection's event loop (the upstream connection is opened
 * on the same loop, so nothing here is shared across threads).
 *
 * <p><b>Request.</b> BEGIN_REQUEST with FCGI_KEEP_CONN and the PARAMS stream ({@link CgiParams}) go as soon
 * as a connection is ready, then the body as STDIN records as it arrives, then the empty STDIN record.
 * PHP reads exactly CONTENT_LENGTH bytes, so a body without a declared length (chunked, or HTTP/2 without
 * content-length) is collected first, up to {@value #UNKNOWN_LENGTH_LIMIT} bytes, and sent with its length;
 * a longer one is 411. Back-pressure: while PHP-FPM does not take the body, the client is not read.
 *
 * <p><b>Response.</b> STDOUT starts with the CGI header block ({@link CgiHead}); the rest streams to the
 * client as it comes, with the script's Content-Length when it gave one (a shorter body then cuts the
 * connection, a longer one is cut), else chunked (HTTP/1.1) or close-delimited (HTTP/1.0). While the
 * client does not take the response, PHP-FPM is not read. STDERR lines go to the log ({@link StderrLog}).
 * END_REQUEST ends the response; the connection goes back to its pool when the whole request was sent.
 *
 * <p><b>Workers.</b> PHP-FPM ties a worker to each open connection, idle kept-alive ones included. A
 * new connection therefore starts with a GET_VALUES record, which a worker answers as soon as it takes
 * the connection: when no answer comes within {@value #ACCEPT_WAIT_MILLIS} ms, every worker is held,
 * and the pool's idle connections to that server are closed to free theirs (again, at growing
 * intervals, until one takes this connection).
 *
 * <p><b>Failures</b>, as for the HTTP proxy: a server that cannot be reached is ejected and the request
 * goes to another server, up to {@code retries} times, when it can be replayed (nothing sent yet, or
 * idempotent and no body byte sent); a kept-alive connection found closed before answering is retried on
 * a fresh one. Then 502 for a connection failure or a broken protocol (bad records, a malformed header
 * block, END_REQUEST refusing the request), 504 when connecting timed out, no header block came within
 * {@code timeouts.response_header} of the request's end, or nothing moved either way for
 * {@code timeouts.idle}. Once the response has started, a failure can only cut the client connection.
 */
final class FastCgiExchange implements BodyReceiver, ConnectionCallback {
    private static final Logger LOG = LoggerFactory.getLogger(FastCgiExchange.class);
    /** Body bytes held while no upstream connection is ready; above this the client is not read. */
    private static final int WAITING_LIMIT = 64 * 1024;
    /** The largest body without a declared length that is collected to learn its length. */
    static final int UNKNOWN_LENGTH_LIMIT = 1 << 20;
    static final long ACCEPT_WAIT_MILLIS = 50;
    private static final long ACCEPT_WAIT_MAX_MILLIS = 1000;
    private static final int STALE_RETRIES = 2;

    private final FastCgiHandler handler;
    private final HttpExchange ex;
    private final UpstreamPool pool;
    private final EventLoop loop;
    private final ScriptLocator.Script script;
    private final HttpRequest request;
    private final boolean idempotent;
    private final boolean headRequest;
    private final long keyHash;
    private final long maxBody;

    /** The body's length: declared, learned by collecting it, or -1 while unknown (or none). */
    private long contentLength;
    private boolean collecting;
    private ByteBuf params;
    private int retriesLeft;
    private int staleRetriesLeft = STALE_RETRIES;
    private BitSet tried;
    private UpstreamServer server;
    private UpstreamConnection conn;
    private FastCgiBackendHandler backend;
    private boolean headSent;
    private boolean requestSent;
    private boolean bodyForwarded;
    private boolean bodyEnded;
    private boolean accepted;
    private boolean responseStarted;
    private boolean noBody;
    private long expectedLength = -1;
    private long bodySent;
    private boolean upstreamPaused;
    private boolean clientPaused;
    private boolean done;
    private long bodyBytes;
    private CgiHead head = new CgiHead();
    private ArrayDeque<HttpContent> waiting;
    private int waitingBytes;
    private ScheduledFuture<?> headerTimer;
    private ScheduledFuture<?> acceptTimer;

    FastCgiExchange(FastCgiHandler handler, HttpExchange ex, ScriptLocator.Script script) {
        this.handler = handler;
        this.ex = ex;
        this.pool = handler.pool();
        this.loop = ex.channel().eventLoop();
        this.script = script;
        this.request = ex.request();
        this.idempotent = isIdempotent(request.method());
        this.headRequest = HttpMethod.HEAD.equals(request.method());
        this.keyHash = pool.keyHash() == null ? 0 : pool.keyHash().hash(request, ex.clientAddress());
        this.maxBody = ex.route().maxBody();
        this.retriesLeft = pool.config().retries();
        this.contentLength = HttpUtil.getContentLength(request, -1L);
    }

    /** RFC 9110 9.2.2. */
    static boolean isIdempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE) || m.equals(HttpMethod.TRACE);
    }

    void start() {
        ex.onComplete(this::exchangeEnded);
        ex.onWritabilityChanged(this::clientWritabilityChanged);
        collecting = contentLength < 0 && !ex.requestComplete() && (HttpUtil.isTransferEncodingChunked(request)
                || request.protocolVersion().majorVersion() >= 2);
        ex.receiveBody(this);
        if (ex.requestComplete() && !bodyEnded) {
            // A request that came whole (HTTP/2) without a body: no end piece will follow.
            content(LastHttpContent.EMPTY_LAST_CONTENT, true);
        }
        if (!done && !collecting) {
            begin();
        }
    }

    private void begin() {
        params = CgiParams.encode(ex.channel().alloc(), ex, script, handler.documentRoot(), contentLength,
                handler.basicAuth());
        attempt(502);
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
        accepted = false;
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
            backend = new FastCgiBackendHandler();
            c.channel().pipeline().addBefore("pool", "fcgi-records", new RecordDecoder());
            c.channel().pipeline().addBefore("pool", "fastcgi", backend);
            c.attach(backend);
        }
        backend.bind(this);
        Channel ch = c.channel();
        boolean fresh = !c.reused();
        if (fresh) {
            ch.write(Records.getValuesRecord(), ch.voidPromise());
        }
        ch.write(params.retainedDuplicate(), ch.voidPromise());
        headSent = true;
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
        if (bodyEnded && !requestSent) {
            // A retry of a request whose (empty) body already ended: end STDIN again on this connection.
            endStdin(ch);
        }
        ch.flush();
        if (fresh && !accepted) {
            waitForWorker(ACCEPT_WAIT_MILLIS);
        }
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

    /** No worker took the fresh connection yet: free the ones idle connections hold, then look again later. */
    private void waitForWorker(long delayMillis) {
        acceptTimer = loop.schedule(() -> {
            acceptTimer = null;
            if (done || accepted || conn == null) {
                return;
            }
            LOG.debug("upstream {}: no {} worker took a connection within {} ms; closing idle connections",
                    pool.name(), server.label(), delayMillis);
            pool.closeIdle(server);
            waitForWorker(Math.min(delayMillis * 2, ACCEPT_WAIT_MAX_MILLIS));
        }, delayMillis, TimeUnit.MILLISECONDS);
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
        if (collecting && bodyBytes > UNKNOWN_LENGTH_LIMIT) {
            content.release();
            fail(411, "a body without Content-Length over " + UNKNOWN_LENGTH_LIMIT + " bytes");
            return;
        }
        if (last) {
            bodyEnded = true;
        }
        if (conn == null) {
            hold(content);
            if (collecting && last) {
                collecting = false;
                contentLength = bodyBytes;
                begin();
            }
            return;
        }
        forward(content, last, true);
    }

    private void hold(HttpContent content) {
        if (waiting == null) {
            waiting = new ArrayDeque<>(4);
        }
        waiting.add(content);
        waitingBytes += content.content().readableBytes();
        if (waitingBytes > WAITING_LIMIT && !clientPaused && !collecting) {
            clientPaused = true;
            ex.pauseReading();
        }
    }

    /** Sends a body piece as STDIN records (its bytes are not copied), and the end of STDIN after the last. */
    private void forward(HttpContent piece, boolean last, boolean flush) {
        Channel ch = conn.channel();
        ByteBuf data = piece.content();
        while (data.isReadable()) {
            int n = Math.min(data.readableBytes(), Records.MAX_ALIGNED_CONTENT);
            ch.write(Records.header(ch.alloc(), Records.STDIN, n), ch.voidPromise());
            ch.write(data.readRetainedSlice(n), ch.voidPromise());
            ByteBuf padding = Records.paddingFor(n);
            if (padding != null) {
                ch.write(padding, ch.voidPromise());
            }
            bodyForwarded = true;
        }
        piece.release();
        if (last) {
            endStdin(ch);
        }
        if (flush) {
            ch.flush();
        }
        if (!last && !ch.isWritable() && !clientPaused) {
            clientPaused = true;
            ex.pauseReading();
        }
    }

    private void endStdin(Channel ch) {
        ByteBuf end = ch.alloc().ioBuffer(Records.HEADER_LENGTH);
        Records.writeEndOfStream(end, Records.STDIN);
        ch.write(end, ch.voidPromise());
        requestSent = true;
        if (!responseStarted && headerTimer == null) {
            headerTimer = loop.schedule(this::headerTimedOut,
                    pool.config().timeouts().responseHeader().toMillis(), TimeUnit.MILLISECONDS);
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

    void upstreamRead(RecordDecoder.Record r) {
        try {
            if (done) {
                return;
            }
            accepted = true;
            if (r.requestId != Records.REQUEST_ID) {
                if (r.requestId == 0 && (r.type == Records.GET_VALUES_RESULT || r.type == Records.UNKNOWN_TYPE)) {
                    // The answer to our GET_VALUES (or a server that does not know it): a worker has the connection.
                    return;
                }
                protocolError("unexpected " + r);
                return;
            }
            switch (r.type) {
                case Records.STDOUT -> stdout(r.content().retain());
                case Records.STDERR -> handler.stderr().write(server.label(), script.scriptName(), r.content());
                case Records.END_REQUEST -> endRequest(r.content());
                default -> protocolError("unexpected " + r);
            }
        } finally {
            r.release();
        }
    }

    private void stdout(ByteBuf data) {
        if (!data.isReadable()) {
            // The end of the STDOUT stream; END_REQUEST follows.
            data.release();
            return;
        }
        if (head != null) {
            ByteBuf body;
            try {
                body = head.feed(data, ex.channel().alloc());
            } catch (CgiHead.CgiException e) {
                protocolError("bad CGI header block from " + script.scriptName() + ": " + e.getMessage());
                return;
            }
            if (body == null) {
                return;
            }
            HttpResponse response = head.response();
            head = null;
            startResponse(response);
            data = body;
        }
        sendBody(data);
    }

    private void startResponse(HttpResponse r) {
        cancelHeaderTimer();
        int code = r.status().code();
        noBody = headRequest || code == 204 || code == 304;
        String length = r.headers().get(HttpHeaderNames.CONTENT_LENGTH);
        if (code == 204) {
            r.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
        } else if (length != null) {
            expectedLength = Long.parseLong(length);
        } else if (code != 304) {
            if (request.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                // No chunked encoding for HTTP/1.0: the end of the body is the end of the connection.
                HttpUtil.setKeepAlive(r, false);
            } else {
                r.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            }
        }
        responseStarted = true;
        ex.write(r);
    }

    private void sendBody(ByteBuf data) {
        if (noBody || !data.isReadable()) {
            data.release();
            return;
        }
        if (expectedLength >= 0 && bodySent + data.readableBytes() > expectedLength) {
            long room = expectedLength - bodySent;
            if (room == 0) {
                data.release();
                return;
            }
            // More than the script's Content-Length said: what goes beyond it is dropped.
            data.writerIndex(data.readerIndex() + (int) room);
        }
        bodySent += data.readableBytes();
        ex.write(new DefaultHttpContent(data));
        if (!ex.channel().isWritable() && !upstreamPaused) {
            upstreamPaused = true;
            conn.channel().config().setAutoRead(false);
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

    private void endRequest(ByteBuf body) {
        int protocolStatus = body.readableBytes() >= 5 ? body.getUnsignedByte(body.readerIndex() + 4) : -1;
        if (protocolStatus != Records.REQUEST_COMPLETE) {
            protocolError("END_REQUEST with protocol status " + protocolStatus(protocolStatus));
            return;
        }
        if (!responseStarted) {
            protocolError(script.scriptName() + " ended without a complete CGI header block");
            return;
        }
        if (!noBody && expectedLength >= 0 && bodySent < expectedLength) {
            LOG.warn("upstream {}: {} sent {} of the {} bytes its Content-Length announced", pool.name(),
                    script.scriptName(), bodySent, expectedLength);
            server.countFailure();
            abandon();
            ex.abort();
            return;
        }
        UpstreamConnection c = conn;
        conn = null;
        backend.unbind();
        if (requestSent) {
            c.release();
        } else {
            // The script answered before the whole body was sent: the connection is mid-request.
            c.close();
        }
        endAttempt();
        settle();
        // Let go of the upstream first: writing the end may complete the exchange right away.
        ex.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    private static String protocolStatus(int s) {
        return switch (s) {
            case Records.CANT_MPX_CONN -> "CANT_MPX_CONN";
            case Records.OVERLOADED -> "OVERLOADED";
            case Records.UNKNOWN_ROLE -> "UNKNOWN_ROLE";
            default -> Integer.toString(s);
        };
    }

    // ---- failures ----

    /** The server broke the protocol: not retried (it may have run the script), 502 or a cut connection. */
    private void protocolError(String why) {
        server.countFailure();
        if (responseStarted) {
            LOG.warn("upstream {}: {} broke off the response to {} {}: {}", pool.name(), server.label(),
                    request.method(), ex.path().raw(), why);
            abandon();
            ex.abort();
        } else {
            fail(502, server.label() + ": " + why);
        }
    }

    /** The upstream connection closed ({@code cause} null) or failed while this exchange used it. */
    void upstreamFailed(Throwable cause) {
        if (done) {
            return;
        }
        UpstreamConnection c = conn;
        UpstreamServer s = server;
        closeUpstream();
        cancelTimers();
        endAttempt();
        if (responseStarted) {
            s.countFailure();
            settle();
            LOG.debug("upstream {}: {} broke off the response to {} {}", pool.name(), s.label(), request.method(),
                    ex.path().raw());
            ex.abort();
            return;
        }
        String why = cause == null ? "closed the connection before answering" : HealthProbe.describe(cause);
        if (cause instanceof DecoderException) {
            // Bytes that are not FastCGI records: the server is up but speaks something else.
            s.countFailure();
            fail(502, s.label() + ": " + why);
            return;
        }
        if (c != null && c.reused() && !accepted && canReplay() && staleRetriesLeft > 0) {
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
        long idle = pool.config().timeouts().idle().toMillis();
        if (!requestSent) {
            fail(408, "the client sent no body for " + idle + " ms");
        } else if (!responseStarted) {
            server.countFailure();
            fail(504, "no response within " + idle + " ms");
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
        fail(504, script.scriptName() + " sent no header block within "
                + pool.config().timeouts().responseHeader().toMillis() + " ms");
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
                    request.method(), ex.path().raw());
            attempt(status);
        } else {
            fail(status, failed.label() + ": " + why);
        }
    }

    private void fail(int status, String why) {
        abandon();
        if (status >= 500) {
            LOG.warn("upstream {}: {} for {} {}: {}", pool.name(), status, request.method(), ex.path().raw(), why);
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
        closeUpstream();
        endAttempt();
        settle();
    }

    /** The client exchange ended: response written, or the client went away. */
    private void exchangeEnded() {
        if (!done) {
            abandon();
        }
    }

    /** This exchange is over: timers off, everything it holds released. */
    private void settle() {
        done = true;
        cancelTimers();
        if (waiting != null) {
            HttpContent c;
            while ((c = waiting.poll()) != null) {
                c.release();
            }
            waitingBytes = 0;
        }
        if (params != null) {
            params.release();
            params = null;
        }
        if (head != null) {
            head.discard();
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

    private void cancelTimers() {
        cancelHeaderTimer();
        if (acceptTimer != null) {
            acceptTimer.cancel(false);
            acceptTimer = null;
        }
    }

    private void cancelHeaderTimer() {
        if (headerTimer != null) {
            headerTimer.cancel(false);
            headerTimer = null;
        }
    }
}
