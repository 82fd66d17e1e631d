package engawa.tunnel.client;

import engawa.config.BindAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The inspector's local web page ({@code --inspect 127.0.0.1:4040}): {@code GET /} the page,
 * {@code GET /api/requests} the recorded exchanges as JSON (newest first), {@code GET /api/requests/ID} one,
 * {@code POST /api/requests/ID/replay} sends one again to the local service and answers with the new
 * recording. A replay must carry the header {@code X-Engawa-Inspector: replay}, which a browser sends
 * cross-origin only after a CORS preflight this server never approves: another site cannot trigger it.
 * Runs on the client's event loop.
 */
final class InspectorServer implements AutoCloseable {
    private static final Pattern ONE = Pattern.compile("/api/requests/(\\d+)");
    private static final Pattern REPLAY = Pattern.compile("/api/requests/(\\d+)/replay");
    private static final byte[] PAGE = page();

    private final Channel server;

    InspectorServer(BindAddress address, EventLoop loop, Class<? extends ServerChannel> type, Inspector inspector) {
        this.server = new ServerBootstrap()
                .group(loop)
                .channel(type)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(),
                                new HttpObjectAggregator(64 * 1024), new Handler(inspector));
                    }
                })
                .bind(address.socketAddress())
                .syncUninterruptibly()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Inspector inspector;

        Handler(Inspector inspector) {
            this.inspector = inspector;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            String path = req.uri();
            int q = path.indexOf('?');
            if (q >= 0) {
                path = path.substring(0, q);
            }
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            Matcher one = ONE.matcher(path);
            Matcher replay = REPLAY.matcher(path);
            if (req.method().equals(HttpMethod.GET) && path.equals("/")) {
                send(ctx, keepAlive, 200, "text/html; charset=utf-8", Unpooled.wrappedBuffer(PAGE));
            } else if (req.method().equals(HttpMethod.GET) && path.equals("/api/requests")) {
                json(ctx, keepAlive, 200, inspector.list().toString());
            } else if (req.method().equals(HttpMethod.GET) && one.matches()) {
                Recording r = inspector.find(Long.parseLong(one.group(1)));
                if (r == null) {
                    json(ctx, keepAlive, 404, "{\"error\":\"no such request\"}");
                } else {
                    json(ctx, keepAlive, 200, inspector.json(r).toString());
                }
            } else if (req.method().equals(HttpMethod.POST) && replay.matches()) {
                if (!"replay".equals(req.headers().get("x-engawa-inspector"))) {
                    json(ctx, keepAlive, 403, "{\"error\":\"a replay needs the header X-Engawa-Inspector: replay\"}");
                    return;
                }
                Recording r = inspector.find(Long.parseLong(replay.group(1)));
                if (r == null) {
                    json(ctx, keepAlive, 404, "{\"error\":\"no such request\"}");
                    return;
                }
                inspector.replay(r).addListener(f -> {
                    if (f.isSuccess()) {
                        json(ctx, keepAlive, 200, inspector.json((Recording) f.getNow()).toString());
                    } else {
                        json(ctx, keepAlive, 409, "{\"error\":" + quote(f.cause().getMessage()) + "}");
                    }
                });
            } else {
                json(ctx, keepAlive, 404, "{\"error\":\"not found\"}");
            }
        }

        private static String quote(String s) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(s).toString();
        }

        private static void json(ChannelHandlerContext ctx, boolean keepAlive, int status, String body) {
            send(ctx, keepAlive, status, "application/json", Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        }

        private static void send(ChannelHandlerContext ctx, boolean keepAlive, int status, String type, ByteBuf body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body);
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
            r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
            HttpUtil.setKeepAlive(r, keepAlive);
            var f = ctx.writeAndFlush(r);
            if (!keepAlive) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private static byte[] page() {
        try (InputStream in = InspectorServer.class.getResourceAsStream("inspector.html")) {
            if (in == null) {
                throw new IllegalStateException("inspector.html missing from the jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
