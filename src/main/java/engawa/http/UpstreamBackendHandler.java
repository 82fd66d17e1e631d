package engawa.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The protocol client's handler on an upstream connection, after its codec: passes what the connection does
 * to the {@link UpstreamExchange} using it now. Between exchanges (the connection idle in its pool) it lets
 * everything through to the pool's bookkeeping, which closes a connection the server talks on out of turn.
 * One per connection, kept as its attachment; runs on the connection's event loop, which is the client
 * connection's too.
 */
public final class UpstreamBackendHandler extends ChannelInboundHandlerAdapter {
    private UpstreamExchange exchange;

    UpstreamBackendHandler() {
    }

    void bind(UpstreamExchange exchange) {
        this.exchange = exchange;
    }

    void unbind() {
        this.exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null) {
            exchange.upstreamRead(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.upstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.upstreamWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && exchange != null) {
            exchange.upstreamIdle();
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        UpstreamExchange ex = exchange;
        exchange = null;
        if (ex != null) {
            ex.upstreamFailed(null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        UpstreamExchange ex = exchange;
        exchange = null;
        if (ex != null) {
            ex.upstreamFailed(cause);
        }
        ctx.close();
    }
}
