package engawa.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP/1.1 application server for proxy tests, on {@code 127.0.0.1:0} (Netty, NIO, its own
 * threads). It counts connections and requests, keeps what it received, and answers by path:
 * <ul>
 * <li>{@code /healthz}: 200, or 503 after {@link #healthy(boolean) healthy(false)}</li>
 * <li>{@code /slow?ms=N}: answers after N ms</li>
 * <li>{@code /download?size=N}: N bytes of {@link #content} streamed with back-pressure</li>
 * <li>{@code /upload}: reads the body as it comes, answers {@code "<length> <sha256>"};
 *     {@code ?hold=1} does not read it until {@link #releaseUploads}</li>
 * <li>{@code /hop}: a response carrying hop-by-hop headers</li>
 * <li>{@code /drop}: closes the connection without answering</li>
 * <li>{@code /ws}: WebSocket echo of text frames</li>
 * <li>anything else: 200 with body {@code name} and header {@code x-upstream: name}, after reading the body</li>
 * </ul>
 * {@link #stop} kills it (listener and every connection); {@link #restart} brings it back on the same port.
 */
public final class TestUpstream implements AutoCloseable {
    /** What one request looked like on arrival. */
    public record Received(String method, String uri, HttpHeaders headers) {
    }

    private static final int BLOCK = 1 << 20;
    private static final byte[] PATTERN = new byte[BLOCK];

    static {
        new Random(42).nextBytes(PATTERN);
    }

    private final String name;
    private final io.netty.handler.ssl.SslContext tls;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ChannelGroup children = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final ChannelGroup serving = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicInteger servingConnections = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger healthChecks = new AtomicInteger();
    private final AtomicLong downloadBytes = new AtomicLong();
    private final AtomicLong uploadBytes = new AtomicLong();
    private final AtomicBoolean healthy = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    private volatile CountDownLatch uploadsHeld = new CountDownLatch(1);
    private volatile Channel server;
    private int port;

    private TestUpstream(String name, io.netty.handler.ssl.SslContext tls) {
        this.name = name;
        this.tls = tls;
    }

    public static TestUpstream start(String name) {
        return start(name, null);
    }

    /** An upstream speaking HTTPS with {@code tls} (a server context), or plain HTTP when null. */
    public static TestUpstream start(String name, io.netty.handler.ssl.SslContext tls) {
        TestUpstream u = new TestUpstream(name, tls);
        u.bind(0);
        return u;
    }

    private void bind(int onPort) {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        connections.incrementAndGet();
                        children.add(ch);
                        if (tls != null) {
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast("codec", new HttpServerCodec());
                        ch.pipeline().addLast("chunked", new ChunkedWriteHandler());
                        ch.pipeline().addLast("app", new App());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", onPort))
                .syncUninterruptibly()
                .channel();
        port = ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return (tls != null ? "https://localhost:" : "http://127.0.0.1:") + port;
    }

    /** TCP connections accepted so far. */
    public int connections() {
        return connections.get();
    }

    /** Connections that carried a request other than a health check, so far. */
    public int requestConnections() {
        return servingConnections.get();
    }

    /** Connections open now that carried a request other than a health check. */
    public int openRequestConnections() {
        return serving.size();
    }

    /** Requests received so far, health checks not included. */
    public int requests() {
        return requests.get();
    }

    public int healthChecks() {
        return healthChecks.get();
    }

    public long downloadBytesWritten() {
        return downloadBytes.get();
    }

    public long uploadBytesRead() {
        return uploadBytes.get();
    }

    /** Requests received (health checks not included), oldest first. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    public Received lastReceived() {
        Received last = null;
        for (Received r : received) {
            last = r;
        }
        return last;
    }

    public void healthy(boolean ok) {
        healthy.set(ok);
    }

    /** Lets held uploads ({@code /upload?hold=1}) be read. */
    public void releaseUploads() {
        uploadsHeld.countDown();
    }

    /** Kills the server: closes the listener and every open connection at once. */
    public void stop() {
        server.close().syncUninterruptibly();
        children.close().awaitUninterruptibly();
    }

    /** Listens again on the same port after {@link #stop}. */
    public void restart() {
        bind(port);
    }

    @Override
    public void close() {
        stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Byte {@code i} of every download and of test uploads: deterministic, not repetitive in 1 MiB. */
    public static byte content(long i) {
        return (byte) (PATTERN[(int) (i % BLOCK)] + (i >>> 20));
    }

    /** SHA-256 of the first {@code size} bytes of {@link #content}, as hex. */
    public static String sha256(long size) {
        MessageDigest md = sha();
        try (InputStream in = contentStream(size)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** The first {@code size} bytes of {@link #content}, generated as read. */
    public static InputStream contentStream(long size) {
        return new InputStream() {
            long pos;

            @Override
            public int read() {
                return pos < size ? content(pos++) & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (pos >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - pos);
                for (int i = 0; i < n; i++) {
                    b[off + i] = content(pos + i);
                }
                pos += n;
                return n;
            }
        };
    }

    public static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The application: one request at a time per connection, answered after its body was read. */
    private final class App extends ChannelInboundHandlerAdapter {
        private String path;
        private Map<String, List<String>> params;
        private HttpRequest request;
        private MessageDigest upload;
        private long uploadLength;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                QueryStringDecoder q = new QueryStringDecoder(req.uri());
                path = q.path();
                params = q.parameters();
                request = req;
                if (path.equals("/healthz")) {
                    healthChecks.incrementAndGet();
                } else {
                    if (serving.add(ctx.channel())) {
                        servingConnections.incrementAndGet();
                    }
                    requests.incrementAndGet();
                    received.add(new Received(req.method().name(), req.uri(), req.headers().copy()));
                }
                if (path.equals("/drop")) {
                    // Read the request, then hang up without a word.
                    ReferenceCountUtil.release(msg);
                    ctx.close();
                    return;
                }
                if (path.equals("/ws")) {
                    ctx.pipeline().addAfter("app", "aggregate", new HttpObjectAggregator(64 * 1024));
                    ctx.pipeline().addAfter("aggregate", "ws", new WebSocketServerProtocolHandler("/ws"));
                    ctx.pipeline().addAfter("ws", "frames", new WebSocketFrameAggregator(1 << 20));
                    ctx.pipeline().addAfter("frames", "echo", new Echo());
                    ctx.pipeline().remove(this);
                    ctx.fireChannelRead(msg);
                    return;
                }
                if (path.equals("/upload")) {
                    upload = sha();
                    uploadLength = 0;
                    if (params.containsKey("hold")) {
                        ctx.channel().config().setAutoRead(false);
                        CountDownLatch held = uploadsHeld;
                        Thread.ofVirtual().start(() -> {
                            try {
                                held.await();
                            } catch (InterruptedException e) {
                                return;
                            }
                            ctx.channel().eventLoop().execute(() -> ctx.channel().config().setAutoRead(true));
                        });
                    }
                }
            }
            if (msg instanceof HttpContent c) {
                if (upload != null) {
                    ByteBuf b = c.content();
                    uploadLength += b.readableBytes();
                    uploadBytes.addAndGet(b.readableBytes());
                    upload.update(b.nioBuffer());
                }
                if (c instanceof LastHttpContent) {
                    respond(ctx);
                }
            }
            ReferenceCountUtil.release(msg);
        }

        private void respond(ChannelHandlerContext ctx) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            switch (path) {
                case "/healthz" -> send(ctx, healthy.get() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                        healthy.get() ? "ok" : "down", keepAlive);
                case "/slow" -> {
                    long ms = Long.parseLong(params.get("ms").get(0));
                    ctx.executor().schedule(() -> send(ctx, HttpResponseStatus.OK, name, keepAlive), ms, TimeUnit.MILLISECONDS);
                }
                case "/download" -> download(ctx, Long.parseLong(params.get("size").get(0)), keepAlive);
                case "/upload" -> {
                    String result = uploadLength + " " + HexFormat.of().formatHex(upload.digest());
                    upload = null;
                    send(ctx, HttpResponseStatus.OK, result, keepAlive);
                }
                case "/hop" -> {
                    FullHttpResponse r = response(HttpResponseStatus.OK, name);
                    r.headers().set(HttpHeaderNames.CONNECTION, "x-private-hop, keep-alive");
                    r.headers().set("X-Private-Hop", "secret");
                    r.headers().set(HttpHeaderNames.KEEP_ALIVE, "timeout=30");
                    r.headers().set("Proxy-Thing", "1");
                    r.headers().set(HttpHeaderNames.UPGRADE, "h2c");
                    r.headers().set("X-End-To-End", "kept");
                    ctx.writeAndFlush(r);
                }
                case "/chunked" -> {
                    HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setTransferEncodingChunked(r, true);
                    ctx.write(r);
                    ctx.write(new io.netty.handler.codec.http.DefaultHttpContent(Unpooled.copiedBuffer("hello ", StandardCharsets.UTF_8)));
                    ctx.writeAndFlush(new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.copiedBuffer(name, StandardCharsets.UTF_8)));
                }
                default -> send(ctx, HttpResponseStatus.OK, name, keepAlive);
            }
        }

        private FullHttpResponse response(HttpResponseStatus status, String body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            r.headers().set("x-upstream", name);
            return r;
        }

        private void send(ChannelHandlerContext ctx, HttpResponseStatus status, String body, boolean keepAlive) {
            FullHttpResponse r = response(status, body);
            if (!keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(r);
            }
        }

        private void download(ChannelHandlerContext ctx, long size, boolean keepAlive) {
            HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            r.headers().set(HttpHeaderNames.CONTENT_LENGTH, size);
            r.headers().set("x-upstream", name);
            ctx.write(r);
            var f = ctx.writeAndFlush(new HttpChunkedInput(new Generated(size)));
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** {@link #content} as chunks of 64 KiB, produced only as fast as the connection takes them. */
    private final class Generated implements ChunkedInput<ByteBuf> {
        private final long size;
        private long pos;

        Generated(long size) {
            this.size = size;
        }

        @Override
        public boolean isEndOfInput() {
            return pos >= size;
        }

        @Override
        public void close() {
        }

        @Override
        @Deprecated
        public ByteBuf readChunk(ChannelHandlerContext ctx) {
            return readChunk(ctx.alloc());
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator alloc) {
            if (pos >= size) {
                return null;
            }
            int n = (int) Math.min(64 * 1024, size - pos);
            // One bulk write: byte-at-a-time writes are slow under paranoid leak detection (a trace each).
            byte[] bytes = new byte[n];
            for (int i = 0; i < n; i++) {
                bytes[i] = content(pos + i);
            }
            ByteBuf b = alloc.buffer(n);
            b.writeBytes(bytes);
            pos += n;
            downloadBytes.addAndGet(n);
            return b;
        }

        @Override
        public long length() {
            return size;
        }

        @Override
        public long progress() {
            return pos;
        }
    }

    private static final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + frame.text()));
        }
    }
}
