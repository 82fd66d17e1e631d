package engawa.upstream;

import engawa.config.UpstreamConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET <path>} on a new connection (never a pooled one, so a check tests what a new request would
 * meet), {@code Connection: close}; healthy when a 2xx or 3xx head arrives within {@code timeout}.
 * Runs on the given event loop.
 */
final class HttpHealthProbe implements HealthProbe {
    private final UpstreamConfig.HealthCheck check;
    private final UpstreamPool.Settings settings;
    private final UpstreamPool pool;

    HttpHealthProbe(UpstreamConfig.HealthCheck check, UpstreamPool.Settings settings, UpstreamPool pool) {
        this.check = check;
        this.settings = settings;
        this.pool = pool;
    }

    @Override
    public Future<Result> probe(UpstreamServer server, EventLoop loop) {
        SocketAddress address = settings.address(server);
        if (address == null) {
            return HealthProbe.unresolved(server, loop);
        }
        Promise<Result> result = loop.newPromise();
        long start = System.nanoTime();
        long timeoutMillis = check.timeout().toMillis();
        ChannelFuture connect = settings.bootstrap(server, loop, check.timeout())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (server.tls()) {
                            ch.pipeline().addLast(ConnectionPool.tlsHandler(pool, server, ch));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new ResponseHandler(result, start));
                    }
                })
                .connect(address);
        ScheduledFuture<?> timer = loop.schedule(() -> {
            if (result.trySuccess(new Result(false, "no answer within " + check.timeout().toMillis() + " ms"))) {
                connect.channel().close();
            }
        }, timeoutMillis, TimeUnit.MILLISECONDS);
        result.addListener(f -> timer.cancel(false));
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                result.trySuccess(new Result(false, HealthProbe.describe(f.cause())));
                return;
            }
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, check.path());
            req.headers().set(HttpHeaderNames.HOST, server.authority());
            req.headers().set(HttpHeaderNames.USER_AGENT, "engawa-health-check");
            req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            connect.channel().writeAndFlush(req);
        });
        return result;
    }

    private static final class ResponseHandler extends ChannelInboundHandlerAdapter {
        private final Promise<Result> result;
        private final long start;

        ResponseHandler(Promise<Result> result, long start) {
            this.result = result;
            this.start = start;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse r && r.status().code() >= 200) {
                    int code = r.status().code();
                    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    boolean ok = code < 400 && r.decoderResult().isSuccess();
                    result.trySuccess(new Result(ok, r.status() + " in " + ms + " ms"));
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.handler.ssl.SslHandshakeCompletionEvent hs && !hs.isSuccess()) {
                result.trySuccess(new Result(false, HealthProbe.describe(hs.cause())));
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.trySuccess(new Result(false, "connection closed before a response"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.trySuccess(new Result(false, HealthProbe.describe(cause)));
            ctx.close();
        }
    }
}
