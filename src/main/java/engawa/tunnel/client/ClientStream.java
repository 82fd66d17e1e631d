package engawa.tunnel.client;

import engawa.tunnel.HeaderMapping;
import engawa.tunnel.LinkFlushes;
import engawa.tunnel.RawRelay;
import engawa.tunnel.StreamWindow;
import engawa.tunnel.TunnelKind;
import engawa.tunnel.TunnelProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
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
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.time.Instant;
import java.util.ArrayDeque;

/**
 * One stream the edge opened on the link, answered by the local service: an HTTP request forwarded over a
 * keep-alive HTTP/1.1 connection from the {@link LocalPool} (its response streamed back as it comes), a
 * WebSocket that becomes a {@link RawRelay} once the service switches protocols, or a TCP tunnel connection
 * ({@code CONNECT}) relayed to a fresh connection to the local port. Request bytes are given back to the
 * stream's window only once written to the local service; the local connection is not read while the
 * stream cannot take more. Prints one line per request; feeds the inspector. On the client's event loop.
 */
final class ClientStream extends ChannelInboundHandlerAdapter implements LocalExchange {
    static final String NAME = "stream";

    private final ClientContext cc;
    private final LinkFlushes flushes;
    private Http2StreamChannel stream;
    private LocalConnection conn;
    private HttpRequest request;
    private boolean retried;
    private boolean onReused;
    private ArrayDeque<Object[]> waiting;
    private HttpMethod method;
    private String target;
    private String upgrade;
    private boolean requestEnded;
    private boolean responseStarted;
    private boolean responseEnded;
    private boolean bodyless;
    private boolean headersSeen;
    private boolean done;
    private int status;
    private long bytes;
    private long startNanos;
    private Instant at;
    private Recording recording;

    ClientStream(ClientContext cc, LinkFlushes flushes) {
        this.cc = cc;
        this.flushes = flushes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        stream = (Http2StreamChannel) ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2HeadersFrame h) {
            if (!headersSeen) {
                headersSeen = true;
                start(h);
            } else if (!requestEnded) {
                LastHttpContent trailers = new DefaultLastHttpContent();
                try {
                    HeaderMapping.toHttp1(h.headers(), trailers.trailingHeaders());
                } catch (IllegalArgumentException e) {
                    trailers.trailingHeaders().clear();
                }
                requestEnded = true;
                toLocal(trailers, 0);
            }
        } else if (msg instanceof Http2DataFrame d) {
            int window = d.initialFlowControlledBytes();
            if (requestEnded) {
                d.release();
                StreamWindow.consume(stream, window);
                return;
            }
            requestEnded = d.isEndStream();
            if (recording != null) {
                recording.requestBody.add(d.content());
            }
            toLocal(requestEnded ? new DefaultLastHttpContent(d.content()) : new DefaultHttpContent(d.content()), window);
        } else if (msg instanceof Http2ResetFrame) {
            abandon("the public client went away");
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void start(Http2HeadersFrame frame) {
        Http2Headers h = frame.headers();
        at = Instant.now();
        startNanos = System.nanoTime();
        method = HttpMethod.valueOf(String.valueOf(h.method()));
        target = h.path() == null ? "" : h.path().toString();
        // A stream is a TCP connection (CONNECT) only on a TCP tunnel, and an HTTP request only on an HTTP
        // one, whatever the edge sends.
        if (HttpMethod.CONNECT.equals(method) != (cc.kind() == TunnelKind.TCP)) {
            respond(400, (cc.kind() == TunnelKind.TCP ? "a TCP" : "an HTTP") + " tunnel does not serve " + method + " streams");
            return;
        }
        if (HttpMethod.CONNECT.equals(method)) {
            CharSequence from = h.get("x-forwarded-for");
            target = "from " + (from == null ? "?" : from);
            tcp();
            return;
        }
        requestEnded = frame.isEndStream();
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target);
        try {
            HeaderMapping.toHttp1(h, request.headers());
        } catch (IllegalArgumentException e) {
            respond(400, "request header not expressible in HTTP/1.1");
            return;
        }
        if (h.authority() != null) {
            request.headers().set(HttpHeaderNames.HOST, h.authority());
        }
        CharSequence up = h.get(TunnelProtocol.UPGRADE);
        if (up != null) {
            upgrade = up.toString();
            request.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
            request.headers().set(HttpHeaderNames.UPGRADE, upgrade);
            // The stream stays open for the bytes after the switch; the HTTP request itself has no body.
            requestEnded = true;
        }
        if (!requestEnded && !request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            HttpUtil.setTransferEncodingChunked(request, true);
        }
        if (cc.inspector() != null) {
            recording = cc.inspector().begin(method.name(), target, request.headers(), null);
        }
        this.request = request;
        send(false);
    }

    private void send(boolean fresh) {
        Future<LocalConnection> f = cc.pool().acquire(fresh);
        if (f.isDone()) {
            connected(f, request);
        } else {
            f.addListener(x -> connected(f, request));
        }
    }

    private void connected(Future<LocalConnection> f, HttpRequest request) {
        if (!f.isSuccess()) {
            Throwable t = f.cause();
            respond(502, "the tunnel client could not reach " + cc.pool().target() + ": "
                    + (t.getMessage() == null ? t.toString() : t.getMessage()));
            return;
        }
        LocalConnection c = f.getNow();
        if (done || !stream.isActive()) {
            c.end(true);
            return;
        }
        conn = c;
        onReused = c.reused();
        c.begin(this);
        Channel local = c.channel();
        local.write(request);
        if (requestEnded && waiting == null) {
            local.write(LastHttpContent.EMPTY_LAST_CONTENT);
        }
        if (waiting != null) {
            Object[] w;
            while ((w = waiting.poll()) != null) {
                write(local, (HttpContent) w[0], (Integer) w[1]);
            }
        }
        local.flush();
    }

    private void toLocal(HttpContent content, int window) {
        if (conn == null) {
            if (done) {
                content.release();
                return;
            }
            if (waiting == null) {
                waiting = new ArrayDeque<>(4);
            }
            waiting.add(new Object[] {content, window});
            return;
        }
        write(conn.channel(), content, window);
        conn.channel().flush();
    }

    private void write(Channel local, HttpContent content, int window) {
        Http2StreamChannel s = stream;
        local.write(content).addListener(f -> StreamWindow.consume(s, window));
    }

    @Override
    public void response(HttpResponse r) {
        int code = r.status().code();
        if (HeaderMapping.interim(code)) {
            return;
        }
        if (code == 101 && upgrade != null) {
            switchOver(r);
            return;
        }
        responseStarted = true;
        status = code;
        bodyless = !HeaderMapping.bodyAllowed(method, code) || HttpUtil.getContentLength(r, -1L) == 0;
        Http2Headers h = HeaderMapping.response(code, r.headers());
        if (recording != null) {
            recording.status = code;
            recording.responseHeaders.add(r.headers());
        }
        // The head usually comes with its body, or is all there is: it leaves with the link's next flush,
        // together with what other streams answered meanwhile.
        stream.write(new DefaultHttp2HeadersFrame(h, bodyless));
        flushes.soon();
        responseEnded = bodyless;
    }

    @Override
    public void content(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        ByteBuf data = c.content();
        if (responseEnded) {
            c.release();
        } else {
            bytes += data.readableBytes();
            if (recording != null) {
                recording.responseBody.add(data);
            }
            if (last && !((LastHttpContent) c).trailingHeaders().isEmpty()) {
                Http2Headers trailers = HeaderMapping.toHttp2(((LastHttpContent) c).trailingHeaders(), new DefaultHttp2Headers());
                stream.write(new DefaultHttp2DataFrame(data, false));
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(trailers, true));
            } else if (last) {
                stream.write(new DefaultHttp2DataFrame(data, true));
                flushes.soon();
            } else {
                stream.writeAndFlush(new DefaultHttp2DataFrame(data, false));
            }
            responseEnded = last;
            if (!last && !stream.isWritable()) {
                conn.channel().config().setAutoRead(false);
            }
        }
        if (last) {
            LocalConnection c2 = conn;
            conn = null;
            c2.end(requestEnded);
            finish(null);
        }
    }

    @Override
    public void failed(String why) {
        conn = null;
        if (!responseStarted && onReused && !retried && requestEnded && waiting == null && !done
                && !request.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && !HttpUtil.isTransferEncodingChunked(request)) {
            // A kept-alive connection the service closed as the request went out: once more on a new one.
            retried = true;
            send(true);
            return;
        }
        if (!responseStarted) {
            respond(502, "the local service failed: " + why);
        } else if (!responseEnded) {
            stream.close();
            finish(why);
        }
    }

    /** The local service said 101: tell the edge, then relay raw bytes between the stream and that connection. */
    private void switchOver(HttpResponse r) {
        responseStarted = true;
        status = 101;
        Http2Headers h = HeaderMapping.response(200, r.headers());
        h.set(TunnelProtocol.SWITCHED, "101");
        stream.writeAndFlush(new DefaultHttp2HeadersFrame(h, false));
        LocalConnection c = conn;
        conn = null;
        Channel local = c.channel();
        RawRelay relay = RawRelay.of(local, stream, RawRelay.Meter.NONE);
        local.pipeline().addLast("relay", relay.socketSide());
        c.detach();
        stream.pipeline().replace(this, "relay", relay.streamSide());
        local.config().setAutoRead(true);
        finish("switched protocols");
    }

    /** A TCP tunnel connection: a fresh connection to the local port, then bytes both ways. */
    private void tcp() {
        cc.pool().connect(true)
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(cc.pool().host(), cc.pool().port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess() || !stream.isActive()) {
                        f.channel().close();
                        respond(502, "the tunnel client could not reach " + cc.pool().target());
                        return;
                    }
                    Channel local = f.channel();
                    status = 200;
                    stream.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), false));
                    long[] counted = new long[2];
                    RawRelay.bridge(local, stream, NAME, new RawRelay.Meter() {
                        @Override
                        public void toStream(long n) {
                            counted[0] += n;
                        }

                        @Override
                        public void toSocket(long n) {
                            counted[1] += n;
                        }
                    });
                    print(null);
                    local.closeFuture().addListener(x -> cc.lines().accept(new RequestLine(Instant.now(), "TCP", target + " closed",
                            0, (System.nanoTime() - startNanos) / 1000, counted[0], RequestLine.size(counted[1]) + " in")));
                });
    }

    private void respond(int code, String text) {
        if (responseStarted || !stream.isActive()) {
            finish(text);
            return;
        }
        responseStarted = true;
        responseEnded = true;
        status = code;
        ByteBuf body = ByteBufUtil.writeUtf8(stream.alloc(), code + " " + text + "\n");
        Http2Headers h = new DefaultHttp2Headers().status(Integer.toString(code))
                .set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        bytes = body.readableBytes();
        if (recording != null) {
            recording.status = code;
            recording.responseHeaders.add(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            recording.responseBody.add(body);
        }
        stream.write(new DefaultHttp2HeadersFrame(h, false));
        stream.writeAndFlush(new DefaultHttp2DataFrame(body, true));
        finish(text);
    }

    private void abandon(String why) {
        if (conn != null) {
            LocalConnection c = conn;
            conn = null;
            c.abandon();
        }
        finish(why);
    }

    private void finish(String note) {
        if (done) {
            return;
        }
        done = true;
        releaseWaiting();
        print(note);
        if (recording != null) {
            recording.micros = (System.nanoTime() - startNanos) / 1000;
            recording.error = note;
            cc.inspector().complete(recording);
        }
    }

    private void print(String note) {
        if (method != null) {
            cc.lines().accept(new RequestLine(at, method.name(), target, status, (System.nanoTime() - startNanos) / 1000, bytes, note));
        }
    }

    private void releaseWaiting() {
        if (waiting != null) {
            Object[] w;
            while ((w = waiting.poll()) != null) {
                ReferenceCountUtil.release(w[0]);
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && conn != null) {
            conn.channel().config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!responseEnded || conn != null) {
            abandon(responseEnded ? null : "the stream closed before the response ended");
        }
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
