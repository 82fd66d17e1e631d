package engawa.http.codec;

import engawa.config.HttpSettings;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * The first HTTP/1.x stage of a connection, in front of Netty's codec: it holds requests to the strict
 * grammar ({@link RequestScanner}) and keeps slow or silent clients from holding the connection.
 *
 * <p>Refusal: bytes are passed on unchanged up to the first fault; then, in order behind any request
 * before it, comes a request (or, when the fault is in a body, a last body piece) whose decoder result
 * failed with a {@link RequestRejectedException}. The dispatcher answers it with its status once the
 * responses before it are out, and closes. Everything the client sends after the fault is dropped.
 *
 * <p>Timeouts, from {@code http.header_timeout} and {@code http.idle_timeout} (0 turns one off):
 * <ul>
 *   <li>header: from the first byte of a request line to the end of its head; when it passes, the
 *       request is refused with 408 (answered after any response in flight) and the connection closes.
 *       The clock restarts while the dispatcher has stopped reading, since the client cannot finish the
 *       head then.</li>
 *   <li>idle: while no response is owed or still going out and no head has begun, counted from the
 *       last byte read or (give or take the shorter timeout) the end of the last response; when it
 *       passes, the connection is closed without a word, as nginx does.</li>
 *   <li>stalled body: while a request body is partly read, no byte for the idle timeout is a stalled
 *       client; the body is refused with 408 (or the exchange cut if its response started).</li>
 * </ul>
 * Otherwise, while a response is owed, nothing here times out: long downloads and slow upstreams are
 * the handler's business. One timer per connection is armed at most the shorter timeout ahead and re-armed
 * when it fires, so requests themselves never schedule or cancel anything.
 *
 * <p>Lingering close: when the connection is closed while the client may still be sending (a request
 * was refused, a body or head is partly read, or reading was paused), it is half-closed instead: the
 * response goes out followed by an end of stream, and what the client still sends is read and dropped
 * until it closes too, for at most {@value #LINGER_MILLIS} ms. Closing at once would answer that data
 * with a reset, which makes the client's kernel discard a response it has not read yet, so a client
 * uploading a body too large would see "connection reset" instead of its 413 (nginx lingers for the same
 * reason). Plain connections only: over TLS the close stays a close_notify and a close.
 *
 * <p>The {@link #responseWatcher()} half sits after the codec and counts final responses. When a request asked to {@code Upgrade} and whoever switched protocols removed the
 * {@link HttpServerCodec}, this handler steps aside too. Runs on the connection's event loop.
 */
public final class RequestGuardHandler extends ChannelDuplexHandler {
    /** How long a closing connection keeps reading what the client still sends. */
    static final long LINGER_MILLIS = 5000;

    private final RequestScanner scanner;
    private final long headerTimeout;
    private final long idleTimeout;
    private final long tick;
    private final ResponseWatcher watcher = new ResponseWatcher();
    private final Runnable onTimer = this::timerFired;

    private ChannelHandlerContext ctx;
    private Ticker ticker;
    private Future<?> timer;
    private long headStart;
    private long lastActivity;
    private long responses;
    private boolean rejected;
    private boolean lingering;

    public RequestGuardHandler(HttpSettings settings) {
        this.scanner = new RequestScanner(settings.maxRequestLine(), settings.maxHeaderSize());
        this.headerTimeout = Math.max(0, settings.headerTimeout().toNanos());
        this.idleTimeout = Math.max(0, settings.idleTimeout().toNanos());
        this.tick = headerTimeout == 0 ? idleTimeout : idleTimeout == 0 ? headerTimeout : Math.min(headerTimeout, idleTimeout);
    }

    /** The outbound half, to be placed after the HTTP codec: it sees responses as objects. */
    public ChannelHandler responseWatcher() {
        return watcher;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
        if (ctx.channel().isActive()) {
            startTimer();
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startTimer();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        stopTimer();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (rejected) {
            in.release();
            return;
        }
        long now = ticker.nanoTime();
        lastActivity = now;
        if (scanner.upgradeRequested() && scanner.betweenRequests() && ctx.pipeline().get(HttpServerCodec.class) == null) {
            ctx.fireChannelRead(in);
            stepAside();
            return;
        }
        boolean wasInHead = scanner.inHead();
        long heads = scanner.heads();
        int stop = scanner.scan(in);
        if (scanner.inHead() && (!wasInHead || scanner.heads() != heads)) {
            headStart = now;
        }
        if (stop == in.writerIndex()) {
            ctx.fireChannelRead(in);
            return;
        }
        int accepted = stop - in.readerIndex();
        if (accepted > 0) {
            // Requests before the fault are served as usual; the refusal is answered after them.
            ctx.fireChannelRead(in.retainedSlice(in.readerIndex(), accepted));
        }
        in.release();
        reject(new RequestRejectedException(scanner.status(), scanner.reason()), scanner.failedInBody());
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (lingering) {
            // Already half-closed: the real close comes when the client is done or the time is up.
            if (!promise.isVoid()) {
                ctx.channel().closeFuture().addListener(f -> promise.trySuccess());
            }
            return;
        }
        boolean maySend = rejected || !scanner.betweenRequests() || !ctx.channel().config().isAutoRead();
        if (maySend && ctx.channel() instanceof DuplexChannel d && d.isActive() && !d.isOutputShutdown()
                && ctx.pipeline().get(SslHandler.class) == null) {
            linger(d, promise);
            return;
        }
        ctx.close(promise);
    }

    private void linger(DuplexChannel channel, ChannelPromise promise) {
        lingering = true;
        rejected = true;
        stopTimer();
        if (!promise.isVoid()) {
            channel.closeFuture().addListener(f -> promise.trySuccess());
        }
        // The client's end of stream arrives as an event rather than closing the channel behind our back.
        channel.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        channel.config().setAutoRead(true);
        channel.shutdownOutput().addListener(f -> {
            if (!f.isSuccess()) {
                ctx.close();
            }
        });
        ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
        ctx.read();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (lingering && evt instanceof ChannelInputShutdownEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    private void reject(RequestRejectedException cause, boolean inBody) {
        rejected = true;
        stopTimer();
        HttpObject refusal = inBody
                ? new DefaultLastHttpContent(Unpooled.EMPTY_BUFFER)
                : new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", Unpooled.EMPTY_BUFFER);
        refusal.setDecoderResult(DecoderResult.failure(cause));
        ctx.fireChannelRead(refusal);
    }

    private void stepAside() {
        stopTimer();
        if (ctx.pipeline().context(watcher) != null) {
            ctx.pipeline().remove(watcher);
        }
        ctx.pipeline().remove(this);
    }

    private void startTimer() {
        if (tick > 0 && timer == null && !rejected) {
            lastActivity = ticker.nanoTime();
            timer = ctx.executor().schedule(onTimer, tick, TimeUnit.NANOSECONDS);
        }
    }

    private void stopTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void timerFired() {
        timer = null;
        if (rejected || !ctx.channel().isActive()) {
            return;
        }
        long now = ticker.nanoTime();
        long wait = tick;
        if (scanner.inHead()) {
            if (!ctx.channel().config().isAutoRead()) {
                headStart = now;
            } else if (headerTimeout > 0) {
                long left = headStart + headerTimeout - now;
                if (left <= 0) {
                    reject(new RequestRejectedException(408, null), false);
                    return;
                }
                wait = left;
            }
        } else if (scanner.inBody()) {
            if (!ctx.channel().config().isAutoRead()) {
                lastActivity = now;
            } else if (idleTimeout > 0) {
                long left = lastActivity + idleTimeout - now;
                if (left <= 0) {
                    reject(new RequestRejectedException(408, "request body stalled"), true);
                    return;
                }
                wait = left;
            }
        } else if (responses < scanner.heads() || outboundPending()) {
            // An exchange in flight (a response owed, or still going out): its own business. The idle
            // clock starts again from here, so it counts from about the time the response was out.
            lastActivity = now;
        } else if (idleTimeout > 0) {
            long left = lastActivity + idleTimeout - now;
            if (left <= 0) {
                ctx.close();
                return;
            }
            wait = left;
        }
        // Never further ahead than the shorter timeout, so that a deadline starting later is not missed.
        timer = ctx.executor().schedule(onTimer, Math.min(wait, tick), TimeUnit.NANOSECONDS);
    }

    /** True while written bytes wait to go out (a file being sent, a slow reader). */
    private boolean outboundPending() {
        ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
        return out != null && !out.isEmpty();
    }

    /**
     * Counts final responses (not 1xx) as their last piece is written; that it has also gone out is
     * checked when a timer looks ({@link #outboundPending}), so a response costs no listener.
     */
    private final class ResponseWatcher extends ChannelOutboundHandlerAdapter {
        private boolean interim;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse r) {
                interim = r.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            }
            if (msg instanceof LastHttpContent && !interim) {
                responses++;
            }
            ctx.write(msg, promise);
        }
    }
}
