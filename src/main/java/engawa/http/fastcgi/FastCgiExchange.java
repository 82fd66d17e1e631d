package engawa.http.fastcgi;

import engawa.http.HttpExchange;
import engawa.http.UpstreamBackendHandler;
import engawa.http.UpstreamExchange;
import engawa.upstream.UpstreamConnection;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
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
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request through FastCGI, on the client connection's event loop; choosing a server, retries, timers
 * and back-pressure are {@link UpstreamExchange}'s.
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
final class FastCgiExchange extends UpstreamExchange {
    private static final Logger LOG = LoggerFactory.getLogger(FastCgiExchange.class);
    /** The largest body without a declared length that is collected to learn its length. */
    static final int UNKNOWN_LENGTH_LIMIT = 1 << 20;
    static final long ACCEPT_WAIT_MILLIS = 50;
    private static final long ACCEPT_WAIT_MAX_MILLIS = 1000;

    private final FastCgiHandler handler;
    private final ScriptLocator.Script script;
    private final HttpRequest request;
    private final boolean headRequest;

    /** The body's length: declared, learned by collecting it, or -1 while unknown (or none). */
    private long contentLength;
    private boolean collecting;
    private ByteBuf params;
    private boolean accepted;
    private boolean noBody;
    private long expectedLength = -1;
    private long bodySent;
    private CgiHead head = new CgiHead();
    private ScheduledFuture<?> acceptTimer;

    FastCgiExchange(FastCgiHandler handler, HttpExchange ex, ScriptLocator.Script script) {
        super(ex, handler.pool());
        this.handler = handler;
        this.script = script;
        this.request = ex.request();
        this.headRequest = HttpMethod.HEAD.equals(request.method());
        this.contentLength = HttpUtil.getContentLength(request, -1L);
    }

    void start() {
        collecting = contentLength < 0 && !ex.requestComplete() && (HttpUtil.isTransferEncodingChunked(request)
                || request.protocolVersion().majorVersion() >= 2);
        if (follow() && !collecting) {
            begin();
        }
    }

    private void begin() {
        params = CgiParams.encode(ex.channel().alloc(), ex, script, handler.documentRoot(), contentLength,
                handler.basicAuth());
        attempt(502);
    }

    @Override
    protected String target() {
        return ex.path().raw();
    }

    @Override
    protected String lateHead() {
        return script.scriptName() + " sent no header block";
    }

    // ---- connection ----

    @Override
    protected void install(ChannelPipeline p, UpstreamBackendHandler backend) {
        p.addBefore("pool", "fcgi-records", new RecordDecoder());
        p.addBefore("pool", "fastcgi", backend);
    }

    @Override
    protected void sendHead(UpstreamConnection c) {
        Channel ch = c.channel();
        accepted = false;
        if (!c.reused()) {
            ch.write(Records.getValuesRecord(), ch.voidPromise());
        }
        ch.write(params.retainedDuplicate(), ch.voidPromise());
    }

    @Override
    protected void headFlushed(UpstreamConnection c) {
        if (!c.reused() && !accepted) {
            waitForWorker(ACCEPT_WAIT_MILLIS);
        }
    }

    /** No worker took the fresh connection yet: free the ones idle connections hold, then look again later. */
    private void waitForWorker(long delayMillis) {
        acceptTimer = loop.schedule(() -> {
            acceptTimer = null;
            if (done() || accepted || connection() == null) {
                return;
            }
            LOG.debug("upstream {}: no {} worker took a connection within {} ms; closing idle connections",
                    pool.name(), server().label(), delayMillis);
            pool.closeIdle(server());
            waitForWorker(Math.min(delayMillis * 2, ACCEPT_WAIT_MAX_MILLIS));
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected boolean heardFromServer() {
        return accepted;
    }

    // ---- request body, client to upstream ----

    @Override
    protected boolean collectingBody() {
        return collecting;
    }

    @Override
    protected boolean bodyRefused(long received) {
        if (collecting && received > UNKNOWN_LENGTH_LIMIT) {
            fail(411, "a body without Content-Length over " + UNKNOWN_LENGTH_LIMIT + " bytes");
            return true;
        }
        return false;
    }

    @Override
    public void content(HttpContent content, boolean last) {
        super.content(content, last);
        if (collecting && last && !done()) {
            // The whole body is held: now its length is known.
            collecting = false;
            contentLength = bodyBytes();
            begin();
        }
    }

    /** Sends a body piece as STDIN records (its bytes are not copied), and the end of STDIN after the last. */
    @Override
    protected void forward(HttpContent piece, boolean last, boolean flush) {
        Channel ch = connection().channel();
        ByteBuf data = piece.content();
        while (data.isReadable()) {
            int n = Math.min(data.readableBytes(), Records.MAX_ALIGNED_CONTENT);
            ch.write(Records.header(ch.alloc(), Records.STDIN, n), ch.voidPromise());
            ch.write(data.readRetainedSlice(n), ch.voidPromise());
            ByteBuf padding = Records.paddingFor(n);
            if (padding != null) {
                ch.write(padding, ch.voidPromise());
            }
            bodyForwarded();
        }
        piece.release();
        if (last) {
            ByteBuf end = ch.alloc().ioBuffer(Records.HEADER_LENGTH);
            Records.writeEndOfStream(end, Records.STDIN);
            ch.write(end, ch.voidPromise());
            requestEnded();
        }
        if (flush) {
            ch.flush();
        }
        if (!last) {
            pauseClientIfBlocked(ch);
        }
    }

    // ---- response, upstream to client ----

    @Override
    protected void upstreamRead(Object msg) {
        RecordDecoder.Record r = (RecordDecoder.Record) msg;
        try {
            if (done()) {
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
                case Records.STDERR -> handler.stderr().write(server().label(), script.scriptName(), r.content());
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
        respond(r);
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
        pauseUpstreamIfBlocked();
    }

    private void endRequest(ByteBuf body) {
        int protocolStatus = body.readableBytes() >= 5 ? body.getUnsignedByte(body.readerIndex() + 4) : -1;
        if (protocolStatus != Records.REQUEST_COMPLETE) {
            protocolError("END_REQUEST with protocol status " + protocolStatus(protocolStatus));
            return;
        }
        if (!responseStarted()) {
            protocolError(script.scriptName() + " ended without a complete CGI header block");
            return;
        }
        if (!noBody && expectedLength >= 0 && bodySent < expectedLength) {
            LOG.warn("upstream {}: {} sent {} of the {} bytes its Content-Length announced", pool.name(),
                    script.scriptName(), bodySent, expectedLength);
            server().countFailure();
            abandon();
            ex.abort();
            return;
        }
        // Kept unless the script answered before the whole body was sent: the connection is mid-request then.
        responseEnded(true);
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
        server().countFailure();
        if (responseStarted()) {
            LOG.warn("upstream {}: {} broke off the response to {} {}: {}", pool.name(), server().label(),
                    request.method(), ex.path().raw(), why);
            abandon();
            ex.abort();
        } else {
            fail(502, server().label() + ": " + why);
        }
    }

    /** Bytes that are not FastCGI records: the server is up but speaks something else. */
    @Override
    protected boolean brokeProtocol(Throwable cause) {
        return cause instanceof DecoderException;
    }

    @Override
    protected void cancelTimers() {
        super.cancelTimers();
        if (acceptTimer != null) {
            acceptTimer.cancel(false);
            acceptTimer = null;
        }
    }

    @Override
    protected void settled() {
        if (params != null) {
            params.release();
            params = null;
        }
        if (head != null) {
            head.discard();
        }
    }
}
