package engawa.http;

import engawa.http.codec.RequestRejectedException;
import engawa.snapshot.Snapshot;
import engawa.snapshot.SnapshotHolder;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an HTTP connection: turns each decoded request into an {@link HttpExchange}, picks
 * the site by Host and the route by path from the snapshot current at that moment, and hands the exchange
 * to the route's handler chain.
 *
 * <p>One exchange at a time per connection: pipelined requests wait in order until the response before
 * them is complete, so responses leave in request order. Runs on the connection's event loop.
 */
public final class RequestDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(RequestDispatcher.class);

    private final SnapshotHolder snapshots;
    private final ExchangeObserver observer;
    private final boolean secure;
    private final boolean zeroCopy;
    private final int httpsPort;
    private final HttpConnections connections;

    private ChannelHandlerContext ctx;
    private HttpExchange active;
    private final ArrayDeque<Object> pending = new ArrayDeque<>(2);
    private boolean draining;
    private boolean refused;

    /**
     * @param httpsPort the port an http-to-https redirect names (443 is left out of the URL); 0 if none
     */
    public RequestDispatcher(SnapshotHolder snapshots, ExchangeObserver observer, boolean secure, boolean zeroCopy, int httpsPort,
                             HttpConnections connections) {
        this.connections = connections;
        this.snapshots = snapshots;
        this.observer = observer;
        this.secure = secure;
        this.zeroCopy = zeroCopy;
        this.httpsPort = httpsPort;
    }

    boolean zeroCopy() {
        return zeroCopy;
    }

    /** True once shutdown began: responses then say Connection: close. */
    boolean draining() {
        return connections.draining();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == HttpConnections.DRAIN) {
            if (active == null && pending.isEmpty()) {
                // Close once what is queued has been written: a finished exchange may still be sending its body.
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (answersNothingMore()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest || !pending.isEmpty()) {
            if (active != null || !pending.isEmpty()) {
                pending.add(msg);
                ctx.channel().config().setAutoRead(false);
                return;
            }
            begin((HttpRequest) msg);
        } else if (msg instanceof HttpContent content) {
            HttpExchange ex = active;
            if (ex != null && !ex.requestComplete()) {
                bodyPiece(ex, content);
                if (ex == active && ex.requestComplete() && ex.responseComplete()) {
                    finish(ex);
                }
            } else {
                if (content.decoderResult().isFailure()) {
                    ctx.close();
                }
                content.release();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(HttpRequest request) {
        boolean complete = request instanceof LastHttpContent;
        if (request.decoderResult().isFailure()) {
            ReferenceCountUtil.release(request);
            Throwable cause = request.decoderResult().cause();
            refuse(statusOf(cause), detailOf(cause));
            return;
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            // An edge, not a forward proxy: routed, CONNECT would reach an upstream, or open a raw pipe to a
            // tunnel's local service past the edge's HTTP checks.
            ReferenceCountUtil.release(request);
            refuse(501, "CONNECT is not supported");
            return;
        }
        Snapshot snapshot = snapshots.get();
        RequestPath path;
        try {
            path = RequestPath.parse(request.uri());
        } catch (RequestPath.InvalidPathException e) {
            ReferenceCountUtil.release(request);
            refuse(400, e.getMessage());
            return;
        }
        HttpExchange ex = new HttpExchange(ctx, this, request, path, snapshot, clientAddress(), secure, complete && !(request instanceof FullHttpRequest full && full.content().isReadable()));
        active = ex;
        if (request instanceof FullHttpRequest full) {
            // HTTP/2 streams may arrive as one full request; present its body like any other.
            if (full.content().isReadable()) {
                ex.content(new DefaultLastHttpContent(full.content().retain(), full.trailingHeaders()));
            }
            full.release();
        }
        String host = host(request);
        if (host == null) {
            ErrorResponses.send(ex, 400, "missing or repeated Host header", true);
            return;
        }
        Site site = snapshot.http().site(host);
        if (site == null) {
            ex.sendError(404);
            return;
        }
        if (!secure && site.redirectHttps() && httpsPort > 0) {
            redirectToHttps(ex, host);
            return;
        }
        Route route = site.route(path.path());
        ex.route(site, route);
        if (route == null) {
            ex.sendError(404);
            return;
        }
        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > route.maxBody()) {
            ErrorResponses.send(ex, 413, null, true);
            return;
        }
        if (HttpUtil.is100ContinueExpected(request)) {
            ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        }
        try {
            route.handler().handle(ex);
        } catch (RuntimeException e) {
            LOG.error("handler of {} {} failed on {} {}", site.name(), route.name(), request.method(), path.raw(), e);
            if (!ex.responseStarted()) {
                ex.sendError(500, true);
            } else {
                ex.abort();
            }
        }
    }

    /**
     * Hands a piece of the body to the exchange. A piece whose decoding failed (bad chunk framing) ends
     * the exchange instead: the body is not complete, so it is answered with an error if nothing was
     * sent yet and cut otherwise; either way the connection closes and a body receiver hears it aborted.
     */
    private void bodyPiece(HttpExchange ex, HttpContent content) {
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            content.release();
            if (ex.responseStarted()) {
                ex.abort();
            } else {
                ErrorResponses.send(ex, statusOf(cause), detailOf(cause), true);
            }
            return;
        }
        countBody(ex, content);
        ex.content(content);
    }

    private void countBody(HttpExchange ex, HttpContent content) {
        if (ex.route() == null || ex.responseStarted()) {
            return;
        }
        long seen = ex.countBody(content.content().readableBytes());
        if (seen > ex.route().maxBody()) {
            ErrorResponses.send(ex, 413, null, true);
        }
    }

    /**
     * True once the connection is closed or closing after a refusal. The decoder goes on with the rest of a
     * read after a response closed the connection, and requests may be queued: none gets an answer (writing
     * one to a closed channel only fails).
     */
    private boolean answersNothingMore() {
        return refused || !ctx.channel().isActive();
    }

    /**
     * Answers a request no exchange can be made of, then closes. The connection is closing after that
     * answer: nothing that follows (pipelined requests already queued, or still being decoded) gets another.
     */
    private void refuse(int status, String detail) {
        refused = true;
        ErrorResponses.sendAndClose(ctx, status, detail);
    }

    private static int statusOf(Throwable cause) {
        if (cause instanceof RequestRejectedException r) {
            return r.status();
        } else if (cause instanceof TooLongHttpLineException) {
            return 414;
        } else if (cause instanceof TooLongHttpHeaderException) {
            return 431;
        } else if (cause instanceof TooLongFrameException) {
            return 413;
        }
        return 400;
    }

    private static String detailOf(Throwable cause) {
        return cause instanceof RequestRejectedException r ? r.reason() : null;
    }

    private void redirectToHttps(HttpExchange ex, String host) {
        String name = HttpRouting.hostOnly(host);
        String authority = httpsPort == 443 ? name : name + ":" + httpsPort;
        FullHttpResponse r = ErrorResponses.build(308, null, true);
        r.headers().set(HttpHeaderNames.LOCATION, "https://" + authority + ex.path().raw());
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        ex.writeAndFlush(r);
    }

    private static String host(HttpRequest request) {
        String absolute = RequestPath.hostOfAbsolute(request.uri());
        Iterator<String> hosts = request.headers().valueStringIterator(HttpHeaderNames.HOST);
        String h = hosts.hasNext() ? hosts.next() : null;
        if (h != null && hosts.hasNext()) {
            return null;
        }
        if (absolute != null) {
            return absolute;
        }
        if (h == null) {
            // HTTP/1.0 may leave Host out; it then reaches no site (404) rather than a 400.
            return request.protocolVersion().equals(HttpVersion.HTTP_1_0) ? "" : null;
        }
        return h.isEmpty() || h.indexOf(' ') >= 0 || h.indexOf('/') >= 0 ? null : h;
    }

    private InetAddress clientAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : InetAddress.getLoopbackAddress();
    }

    /** The last piece of the response was queued: move on to the next request once the body is in too. */
    void responseComplete(HttpExchange ex) {
        if (ex == active && ex.requestComplete()) {
            finish(ex);
        } else if (ex == active) {
            // The body is still coming; it is read and dropped, then the exchange ends.
            ex.releaseUnclaimed();
            resumeReading();
        }
    }

    /** The response was flushed to the socket (or failed): log and count it, release what it held. */
    void responseWritten(HttpExchange ex, boolean success) {
        ex.runCompletions();
        observer.completed(ex, success);
        if (connections.draining() && active == null && pending.isEmpty()) {
            // Shutting down: a keep-alive connection whose last response is out has nothing left to wait for.
            ctx.close();
        }
    }

    void aborted(HttpExchange ex) {
        if (ex == active) {
            active = null;
        }
        ex.closed();
        ex.runCompletions();
        observer.completed(ex, false);
    }

    private void finish(HttpExchange ex) {
        active = null;
        ex.releaseUnclaimed();
        if (!pending.isEmpty() && !draining) {
            // Start the next pipelined request outside the handler that just finished writing.
            draining = true;
            ctx.executor().execute(this::drainPending);
        } else if (pending.isEmpty()) {
            resumeReading();
        }
    }

    private void drainPending() {
        draining = false;
        Object msg;
        while (active == null && (msg = pending.poll()) != null) {
            if (answersNothingMore()) {
                ReferenceCountUtil.release(msg);
                continue;
            }
            if (msg instanceof HttpRequest request) {
                begin(request);
            } else {
                ReferenceCountUtil.release(msg);
            }
            // Body pieces of the request just begun follow it in the queue.
            while (active != null && !active.requestComplete() && pending.peek() instanceof HttpContent c && !(c instanceof HttpRequest)) {
                pending.poll();
                bodyPiece(active, c);
            }
            if (active != null && active.requestComplete() && active.responseComplete()) {
                finish(active);
            }
        }
        if (pending.isEmpty()) {
            resumeReading();
        }
    }

    void resumeReading() {
        if (ctx != null && !ctx.channel().config().isAutoRead() && pending.isEmpty()) {
            ctx.channel().config().setAutoRead(true);
            ctx.read();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (active != null) {
            active.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        HttpExchange ex = active;
        active = null;
        if (ex != null && !ex.responseComplete()) {
            ex.closed();
            ex.runCompletions();
            observer.completed(ex, false);
        } else if (ex != null) {
            ex.closed();
        }
        Object msg;
        while ((msg = pending.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException) {
            LOG.debug("connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        } else {
            LOG.warn("connection from {} failed", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }
}
