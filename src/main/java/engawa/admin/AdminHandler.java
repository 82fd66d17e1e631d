package engawa.admin;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an admin connection. Runs on the event loop, which it never blocks: each call is
 * detached from Netty ({@link AdminRequest}) and answered by {@link AdminRouter#dispatch} on a virtual
 * thread; the response is written back on the event loop. Calls on one connection are answered one at a
 * time, in order (pipelining works; reading pauses while calls wait).
 */
final class AdminHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
    /** Fired through a connection's pipeline when its listener is retired: finish the call in flight, then close. */
    static final Object RETIRE = new Object();

    private record Call(AdminRequest request, boolean keepAlive) {
    }

    private final AdminRouter router;
    private final ExecutorService blocking;
    private final ArrayDeque<Call> waiting = new ArrayDeque<>(2);
    private boolean busy;
    private boolean retiring;

    AdminHandler(AdminRouter router, ExecutorService blocking) {
        this.router = router;
        this.blocking = blocking;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof FullHttpRequest request)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            if (request.decoderResult().isFailure()) {
                respond(ctx, null, AdminResponse.error(400, "malformed request: " + request.decoderResult().cause().getMessage()), false);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            InetSocketAddress peer = (InetSocketAddress) ctx.channel().remoteAddress();
            AdminRequest call = new AdminRequest(request.method(), uri.path(), uri.parameters(), request.headers(),
                    ByteBufUtil.getBytes(request.content()), peer, Map.of(), null);
            waiting.add(new Call(call, HttpUtil.isKeepAlive(request)));
        } finally {
            request.release();
        }
        if (busy) {
            ctx.channel().config().setAutoRead(false);
        }
        next(ctx);
    }

    private void next(ChannelHandlerContext ctx) {
        if (busy) {
            return;
        }
        Call call = waiting.poll();
        if (call == null) {
            if (retiring) {
                ctx.close();
            } else if (!ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
            return;
        }
        busy = true;
        try {
            blocking.execute(() -> {
                AdminResponse response = router.dispatch(call.request());
                ctx.executor().execute(() -> respond(ctx, call.request(), response, call.keepAlive()));
            });
        } catch (RejectedExecutionException e) {
            respond(ctx, call.request(), AdminResponse.error(503, "the server is stopping"), false);
        }
    }

    private void respond(ChannelHandlerContext ctx, AdminRequest request, AdminResponse r, boolean keepAlive) {
        FullHttpResponse response = toHttp(r, request != null && request.method().equals(HttpMethod.HEAD));
        boolean keep = keepAlive && !retiring;
        HttpUtil.setKeepAlive(response, keep);
        var written = ctx.writeAndFlush(response);
        busy = false;
        if (!keep) {
            waiting.clear();
            written.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        next(ctx);
    }

    /** The wire form of a response; for HEAD, the headers of the GET without its body. */
    static FullHttpResponse toHttp(AdminResponse r, boolean head) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, r.contentType())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set("X-Content-Type-Options", "nosniff");
        r.headers().forEach(response.headers()::set);
        return response;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == RETIRE) {
            retiring = true;
            if (!busy && waiting.isEmpty()) {
                ctx.close();
            }
        } else if (evt instanceof IdleStateEvent) {
            if (!busy && waiting.isEmpty()) {
                ctx.close();
            }
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
