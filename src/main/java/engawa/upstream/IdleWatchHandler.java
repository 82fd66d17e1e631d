package engawa.upstream;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * Fires {@link IdleStateEvent}s (all-idle) on an upstream connection on which nothing was read or written
 * for {@code idle}, and again every {@code idle} while it stays so: Netty's {@code IdleStateHandler(0, 0, idle)}
 * without its cost per write (a promise and a listener, which also undo the caller's void promise). So a
 * write counts when it is made; a write still draining shows as writability changing. One timer per
 * connection, re-armed when it fires, so requests schedule nothing. Runs on the connection's event loop.
 */
final class IdleWatchHandler extends ChannelDuplexHandler {
    private final long idleNanos;
    private final Runnable onTimer = this::timerFired;

    private ChannelHandlerContext ctx;
    private Ticker ticker;
    private Future<?> timer;
    private long lastActivity;
    private boolean firstEvent = true;

    IdleWatchHandler(long idleMillis) {
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
        if (ctx.channel().isActive()) {
            start();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stop();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        start();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stop();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastActivity = ticker.nanoTime();
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        lastActivity = ticker.nanoTime();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        lastActivity = ticker.nanoTime();
        ctx.write(msg, promise);
    }

    private void start() {
        if (timer == null && idleNanos > 0) {
            lastActivity = ticker.nanoTime();
            timer = ctx.executor().schedule(onTimer, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void timerFired() {
        timer = null;
        if (!ctx.channel().isOpen()) {
            return;
        }
        long left = lastActivity + idleNanos - ticker.nanoTime();
        if (left > 0) {
            firstEvent = true;
            timer = ctx.executor().schedule(onTimer, left, TimeUnit.NANOSECONDS);
            return;
        }
        timer = ctx.executor().schedule(onTimer, idleNanos, TimeUnit.NANOSECONDS);
        IdleStateEvent event = firstEvent ? IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT : IdleStateEvent.ALL_IDLE_STATE_EVENT;
        firstEvent = false;
        ctx.fireUserEventTriggered(event);
    }
}
