package engawa.admin;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline of one admin connection, a line per stage: the HTTP/1.1 codec, an idle timeout, the body
 * read whole (config documents are small; over {@link #MAX_BODY} is a JSON 413), and the calls.
 */
final class AdminServerInitializer extends ChannelInitializer<Channel> {
    /** The largest request body (a config document) the admin API reads. */
    static final int MAX_BODY = 8 << 20;

    private final AdminRouter router;
    private final ExecutorService blocking;
    private final ChannelGroup connections;

    AdminServerInitializer(AdminRouter router, ExecutorService blocking, ChannelGroup connections) {
        this.router = router;
        this.blocking = blocking;
        this.connections = connections;
    }

    @Override
    protected void initChannel(Channel ch) {
        connections.add(ch);
        ChannelPipeline p = ch.pipeline();
        p.addLast("codec", new HttpServerCodec());
        p.addLast("idle", new IdleStateHandler(0, 0, 120, TimeUnit.SECONDS));
        p.addLast("aggregate", new JsonTooLargeAggregator());
        p.addLast("api", new AdminHandler(router, blocking));
    }

    /** Reads each request whole; a body over the limit gets {@code {"error": ...}} with 413 and a close. */
    private static final class JsonTooLargeAggregator extends HttpObjectAggregator {
        JsonTooLargeAggregator() {
            super(MAX_BODY);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            var response = AdminHandler.toHttp(AdminResponse.error(413, "request body over " + (MAX_BODY >> 20) + " MiB"), false);
            HttpUtil.setKeepAlive(response, false);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
