package engawa.http.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The proxy's handler on an upstream connection: passes what the connection does to the exchange using it
 * now. Between exchanges (the connection idle in its pool) it lets events through to the pool's
 * bookkeeping. Runs on the connection's event loop, which is the client connection's too.
 */
final class ProxyBackendHandler extends ChannelInboundHandlerAdapter {
    private ProxyExchange exchange;

    void bind(ProxyExchange exchange) {
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
        ProxyExchange ex = exchange;
        exchange = null;
        if (ex != null) {
            ex.upstreamFailed(null);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ProxyExchange ex = exchange;
        exchange = null;
        if (ex != null) {
            ex.upstreamFailed(cause);
        }
        ctx.close();
    }
}
