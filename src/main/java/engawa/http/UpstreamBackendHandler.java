package engawa.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * The protocol client's handler on an upstream connection, after its codec: passes what the connection does
 * to the {@link UpstreamExchange} using it now. Between exchanges (the connection idle in its pool) it lets
 * everything through to the pool's bookkeeping, which closes a connection the server talks on out of turn.
 * One per connection, kept as its attachment; runs on the connection's event loop, which is the client
 * connection's too.
 *
 * <p>It also keeps the exchange's response-head deadline: one timer per connection, armed when a deadline
 * starts and none is armed, re-armed when it fires early, so that a request costs no schedule and cancel.
 */
public final class UpstreamBackendHandler extends ChannelInboundHandlerAdapter {
    private final Runnable onHeadTimer = this::headTimerFired;
    private UpstreamExchange exchange;
    private ChannelHandlerContext ctx;
    private Ticker ticker;
    private boolean headAwaited;
    /** When the awaited response head is due, in ticker nanos. */
    private long headDeadline;
    private Future<?> headTimer;
    private long headTimerAt;

    UpstreamBackendHandler() {
    }

    void bind(UpstreamExchange exchange) {
        this.exchange = exchange;
    }

    void unbind() {
        this.exchange = null;
        headAwaited = false;
    }

    /** The bound exchange hears {@code headerTimedOut} unless a response head comes within {@code timeoutMillis}. */
    void awaitHead(long timeoutMillis) {
        long now = ticker.nanoTime();
        long deadline = now + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        headAwaited = true;
        headDeadline = deadline;
        if (headTimer == null || headTimerAt - deadline > 0) {
            stopHeadTimer();
            scheduleHeadTimer(now, deadline);
        }
    }

    /** The response head came: no deadline until the next {@link #awaitHead}. The timer runs out unused. */
    void headArrived() {
        headAwaited = false;
    }

    private void scheduleHeadTimer(long now, long at) {
        headTimerAt = at;
        headTimer = ctx.executor().schedule(onHeadTimer, at - now, TimeUnit.NANOSECONDS);
    }

    private void stopHeadTimer() {
        if (headTimer != null) {
            headTimer.cancel(false);
            headTimer = null;
        }
    }

    private void headTimerFired() {
        headTimer = null;
        if (exchange == null || !headAwaited) {
            return;
        }
        long now = ticker.nanoTime();
        if (headDeadline - now > 0) {
            scheduleHeadTimer(now, headDeadline);
            return;
        }
        headAwaited = false;
        exchange.headerTimedOut();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopHeadTimer();
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
        stopHeadTimer();
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
