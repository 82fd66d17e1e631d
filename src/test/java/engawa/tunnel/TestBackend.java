package engawa.tunnel;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.stream.ChunkedStream;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 server on 127.0.0.1 for the tunnel tests, streaming both ways:
 * {@code GET /hello} a short text; {@code GET /headers} the request's headers, one per line;
 * {@code GET /bytes/N} N bytes of {@link #pattern} with Content-Length, written with back-pressure;
 * {@code POST /sha256} reads the body as it comes and answers its length and SHA-256;
 * {@code GET /slow/MS} answers after MS milliseconds; {@code GET /ws} a WebSocket that echoes every message.
 */
final class TestBackend implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;
    final AtomicInteger requests = new AtomicInteger();
    final ConcurrentLinkedQueue<String> log = new ConcurrentLinkedQueue<>();
    private final String name;

    TestBackend(String name) {
        this.name = name;
        this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("codec", new HttpServerCodec());
                        ch.pipeline().addLast("chunked", new ChunkedWriteHandler());
                        ch.pipeline().addLast("app", new App());
                    }
                })
                .bind("127.0.0.1", 0).syncUninterruptibly().channel();
    }

    TestBackend() {
        this("backend");
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Byte {@code i} of every {@code /bytes/N} body: a pattern that a shifted or dropped chunk breaks. */
    static byte pattern(long i) {
        return (byte) ((i * 31 + (i >>> 11) * 7) & 0xff);
    }

    /** The SHA-256 of the first {@code n} pattern bytes. */
    static String patternSha256(long n) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[65536];
        for (long at = 0; at < n; ) {
            int len = (int) Math.min(buf.length, n - at);
            for (int i = 0; i < len; i++) {
                buf[i] = pattern(at + i);
            }
            md.update(buf, 0, len);
            at += len;
        }
        return HexFormat.of().formatHex(md.digest());
    }

    static InputStream patternStream(long n) {
        return new InputStream() {
            long at;

            @Override
            public int read() {
                return at < n ? pattern(at++) & 0xff : -1;
            }

            @Override
            public int available() {
                // ChunkedStream sizes its chunks by this.
                return (int) Math.min(Integer.MAX_VALUE, n - at);
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (at >= n) {
                    return -1;
                }
                int m = (int) Math.min(len, n - at);
                for (int i = 0; i < m; i++) {
                    b[off + i] = pattern(at + i);
                }
                at += m;
                return m;
            }
        };
    }

    private final class App extends ChannelInboundHandlerAdapter {
        private MessageDigest digest;
        private long count;
        private HttpRequest current;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
            if (msg instanceof HttpRequest req) {
                requests.incrementAndGet();
                current = req;
                String path = req.uri();
                log.add(req.method() + " " + path);
                if (path.equals("/ws")) {
                    websocket(ctx, req);
                    return;
                }
                if (path.equals("/sha256")) {
                    digest = MessageDigest.getInstance("SHA-256");
                    count = 0;
                }
            }
            if (msg instanceof HttpContent c) {
                if (digest != null) {
                    ByteBuf b = c.content();
                    count += b.readableBytes();
                    digest.update(b.nioBuffer());
                }
                if (c instanceof LastHttpContent) {
                    respond(ctx, current);
                }
            }
            ReferenceCountUtil.release(msg);
        }

        private void respond(ChannelHandlerContext ctx, HttpRequest req) {
            String path = req.uri();
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            if (path.equals("/hello")) {
                text(ctx, keepAlive, 200, "hello from the " + name + "\n");
            } else if (path.equals("/headers")) {
                StringBuilder b = new StringBuilder();
                for (Map.Entry<String, String> e : req.headers()) {
                    b.append(e.getKey().toLowerCase()).append(": ").append(e.getValue()).append('\n');
                }
                text(ctx, keepAlive, 200, b.toString());
            } else if (path.equals("/sha256") && digest != null) {
                String answer = count + " " + HexFormat.of().formatHex(digest.digest()) + "\n";
                digest = null;
                text(ctx, keepAlive, 200, answer);
            } else if (path.startsWith("/bytes/")) {
                long n = Long.parseLong(path.substring(7));
                HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                HttpUtil.setContentLength(r, n);
                HttpUtil.setKeepAlive(r, keepAlive);
                ctx.write(r);
                var f = ctx.writeAndFlush(new HttpChunkedInput(new ChunkedStream(patternStream(n), 64 * 1024)));
                if (!keepAlive) {
                    f.addListener(ChannelFutureListener.CLOSE);
                }
            } else if (path.startsWith("/slow/")) {
                long ms = Long.parseLong(path.substring(6));
                ctx.executor().schedule(() -> text(ctx, keepAlive, 200, "slept " + ms + "ms\n"), ms, TimeUnit.MILLISECONDS);
            } else {
                text(ctx, keepAlive, 404, "not here\n");
            }
        }

        private void websocket(ChannelHandlerContext ctx, HttpRequest req) {
            WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory("ws://" + req.headers().get("host") + "/ws", null, false, 1 << 20)
                    .newHandshaker(req);
            ctx.pipeline().replace(this, "echo", new Echo(hs));
            hs.handshake(ctx.channel(), req);
        }
    }

    private static final class Echo extends ChannelInboundHandlerAdapter {
        private final WebSocketServerHandshaker hs;

        Echo(WebSocketServerHandshaker hs) {
            this.hs = hs;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof CloseWebSocketFrame close) {
                hs.close(ctx.channel(), close);
            } else if (msg instanceof TextWebSocketFrame || msg instanceof BinaryWebSocketFrame) {
                ctx.writeAndFlush(((WebSocketFrame) msg).retain());
                ReferenceCountUtil.release(msg);
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    static void text(ChannelHandlerContext ctx, boolean keepAlive, int status, String body) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status),
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(r, r.content().readableBytes());
        HttpUtil.setKeepAlive(r, keepAlive);
        var f = ctx.writeAndFlush(r);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
