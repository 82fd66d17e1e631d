package engawa.tunnel;

import engawa.http.BodyReceiver;
import engawa.http.ErrorResponses;
import engawa.http.HttpExchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;

/**
 * One public HTTP request carried through a tunnel as one stream of the client's link. Two halves on two
 * event loops: the exchange's (everything that touches the {@link HttpExchange}) and the link's (the stream
 * handler, which only hands frames over). Request body: streamed as DATA frames; when the stream cannot take
 * more, the public connection stops being read. Response body: written to the public client frame by frame,
 * each frame's window given back only once written, so a slow public client holds at most a stream window
 * here. A WebSocket upgrade the local service accepts turns the stream into a {@link RawRelay}.
 */
final class TunnelExchange implements BodyReceiver {
    private static final String HANDLER = "exchange";
    private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");

    private final HttpExchange ex;
    private final TunnelSession session;
    private final EventExecutor loop;
    private final Http2Headers requestHeaders;
    private final boolean bodyless;
    private final String upgrade;
    private final Runnable flushHead = this::flushHead;
    private Http2StreamChannel stream;
    private boolean finished;
    private boolean switchedOver;
    /** The response head was written but not flushed: the flush is due after this pass of the loop. */
    private boolean headPending;

    private TunnelExchange(HttpExchange ex, TunnelSession session, Http2Headers requestHeaders, boolean bodyless, String upgrade) {
        this.ex = ex;
        this.session = session;
        this.loop = ex.ctx().executor();
        this.requestHeaders = requestHeaders;
        this.bodyless = bodyless;
        this.upgrade = upgrade;
    }

    /** Starts carrying {@code ex} through {@code session}; on the exchange's event loop. */
    static void start(HttpExchange ex, TunnelSession session) {
        HttpRequest req = ex.request();
        String host = req.headers().get(HttpHeaderNames.HOST);
        Http2Headers h = new DefaultHttp2Headers()
                .method(req.method().asciiName())
                .scheme(ex.secure() ? "https" : "http")
                .authority(host == null ? session.tunnel().name() : host)
                .path(ex.path().raw());
        HeaderMapping.toHttp2(req.headers(), h);
        // The edge answered any Expect: 100-continue itself.
        h.remove(HttpHeaderNames.EXPECT);
        String client = ex.clientAddress().getHostAddress();
        CharSequence forwarded = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, forwarded == null ? client : forwarded + ", " + client);
        h.set(X_FORWARDED_PROTO, ex.secure() ? "https" : "http");
        if (host != null) {
            h.set(X_FORWARDED_HOST, host);
        }
        String upgrade = null;
        if (req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                && req.headers().contains(HttpHeaderNames.UPGRADE)) {
            upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
            h.set(TunnelProtocol.UPGRADE, upgrade);
        }
        boolean bodyless = !HttpUtil.isTransferEncodingChunked(req) && HttpUtil.getContentLength(req, 0L) == 0;
        TunnelExchange tx = new TunnelExchange(ex, session, h, bodyless, upgrade);
        ex.onComplete(tx::completed);
        session.countRequest();
        Future<Http2StreamChannel> open = session.open();
        open.addListener(f -> tx.opened(open));
    }

    /** On the link's loop: the stream exists (or could not be opened). */
    private void opened(Future<Http2StreamChannel> f) {
        if (!f.isSuccess()) {
            onLoop(() -> fail(503, "tunnel \"" + session.tunnel().name() + "\" is busy"));
            return;
        }
        Http2StreamChannel s = f.getNow();
        s.pipeline().addLast(HANDLER, new StreamHandler());
        // An upgrade keeps the stream open both ways: the bytes after the switch travel on it. The heads of
        // the requests that came in at once leave together.
        s.write(new DefaultHttp2HeadersFrame(requestHeaders, bodyless && upgrade == null));
        session.flushes().soon();
        onLoop(() -> attached(s));
    }

    /** On the exchange's loop: body pieces may go now. */
    private void attached(Http2StreamChannel s) {
        stream = s;
        if (finished) {
            s.close();
            return;
        }
        if (!bodyless) {
            ex.receiveBody(this);
        }
    }

    @Override
    public void content(HttpContent content, boolean last) {
        ByteBuf data = content.content();
        session.countIn(data.readableBytes());
        if (last && content instanceof LastHttpContent lc && !lc.trailingHeaders().isEmpty()) {
            Http2Headers trailers = HeaderMapping.toHttp2(lc.trailingHeaders(), new DefaultHttp2Headers());
            stream.write(new DefaultHttp2DataFrame(data, false));
            stream.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
        } else {
            stream.writeAndFlush(new DefaultHttp2DataFrame(data, last));
        }
        if (!stream.isWritable()) {
            ex.pauseReading();
            // The stream may have drained before reading paused: look again so no wake-up is lost.
            if (stream.isWritable()) {
                ex.resumeReading();
            }
        }
    }

    @Override
    public void aborted() {
        if (stream != null) {
            stream.close();
        }
    }

    /** The exchange is over (response written, or the public client gone); on the exchange's loop. */
    private void completed() {
        finished = true;
        if (stream != null && !switchedOver) {
            stream.close();
        }
    }

    private void response(Http2Headers headers, boolean end) {
        if (finished) {
            return;
        }
        if (ex.responseStarted()) {
            ex.abort();
            return;
        }
        int status = HeaderMapping.status(headers);
        if (status < 200) {
            fail(502, "the tunnel client sent a malformed response");
            return;
        }
        HttpResponse r;
        try {
            r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
            HeaderMapping.toHttp1(headers, r.headers());
        } catch (IllegalArgumentException e) {
            fail(502, "the tunnel client sent a response header HTTP/1.1 cannot carry");
            return;
        }
        HeaderMapping.frame(r, HeaderMapping.bodyAllowed(ex.request().method(), status), end);
        if (end) {
            ex.write(r);
            ex.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        } else {
            // The body usually came in the same read of the link: head and body leave in one write(2). A
            // body that is slow to come finds the head flushed once the loop is done with this read.
            ex.write(r);
            headPending = true;
            loop.execute(flushHead);
        }
    }

    private void flushHead() {
        if (headPending) {
            headPending = false;
            ex.ctx().flush();
        }
    }

    private void data(ByteBuf content, int window, boolean end) {
        session.countOut(content.readableBytes());
        if (finished || !ex.responseStarted() || ex.responseComplete()) {
            content.release();
            StreamWindow.consume(stream, window);
            if (!finished && !ex.responseStarted()) {
                fail(502, "the tunnel client sent data before a response");
            }
            return;
        }
        HttpContent piece = end ? new DefaultLastHttpContent(content) : new DefaultHttpContent(content);
        headPending = false;
        Http2StreamChannel s = stream;
        ex.writeAndFlush(piece).addListener(w -> StreamWindow.consume(s, window));
    }

    private void trailers(Http2Headers headers) {
        if (finished || !ex.responseStarted() || ex.responseComplete()) {
            return;
        }
        LastHttpContent last = new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER);
        headPending = false;
        try {
            HeaderMapping.toHttp1(headers, last.trailingHeaders());
        } catch (IllegalArgumentException e) {
            last.trailingHeaders().clear();
        }
        ex.writeAndFlush(last);
    }

    /** The stream ended early (reset by the client, or the link went down). */
    private void broken() {
        if (finished || ex.responseComplete()) {
            return;
        }
        if (!ex.responseStarted()) {
            fail(502, "the tunnel client dropped the request");
        } else {
            ex.abort();
        }
    }

    private void fail(int status, String detail) {
        if (finished || ex.responseStarted()) {
            return;
        }
        boolean close = !ex.requestComplete();
        ErrorResponses.send(ex, status, detail, close);
    }

    /** The local service switched protocols: answer 101 and relay bytes; on the exchange's loop. */
    private void switched(Http2Headers headers, RawRelay relay) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        try {
            HeaderMapping.toHttp1(headers, r.headers());
        } catch (IllegalArgumentException e) {
            r.release();
            stream.close();
            fail(502, "the tunnel client sent a response header HTTP/1.1 cannot carry");
            return;
        }
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        r.headers().set(HttpHeaderNames.UPGRADE, upgrade);
        if (finished) {
            r.release();
            stream.close();
            return;
        }
        switchedOver = true;
        if (!ex.switchProtocols(r, relay.socketSide())) {
            switchedOver = false;
            r.release();
            stream.close();
            fail(502, "this connection cannot switch protocols");
        }
    }

    private void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    /** The stream's half: hands every frame to the exchange's loop, in order. */
    private final class StreamHandler extends ChannelInboundHandlerAdapter {
        private boolean headersSeen;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame frame) {
                Http2Headers headers = frame.headers();
                if (headersSeen) {
                    onLoop(() -> trailers(headers));
                    return;
                }
                int status = HeaderMapping.status(headers);
                if (HeaderMapping.interim(status) && !frame.isEndStream()) {
                    return;
                }
                headersSeen = true;
                if (upgrade != null && status == 200 && headers.contains(TunnelProtocol.SWITCHED) && !frame.isEndStream()) {
                    RawRelay relay = RawRelay.of(ex.channel(), (Http2StreamChannel) ctx.channel(), session.relayMeter());
                    ctx.pipeline().replace(this, "relay", relay.streamSide());
                    onLoop(() -> switched(headers, relay));
                    return;
                }
                boolean end = frame.isEndStream();
                onLoop(() -> response(headers, end));
            } else if (msg instanceof Http2DataFrame frame) {
                ByteBuf content = frame.content();
                int window = frame.initialFlowControlledBytes();
                boolean end = frame.isEndStream();
                onLoop(() -> data(content, window, end));
            } else if (msg instanceof Http2ResetFrame) {
                onLoop(TunnelExchange.this::broken);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                onLoop(ex::resumeReading);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            onLoop(TunnelExchange.this::broken);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
