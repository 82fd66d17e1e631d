package engawa.tunnel.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;

/**
 * One HTTP/1.1 connection to the local service, reused for request after request while it stays
 * keep-alive. It serves one {@link LocalExchange} at a time; the pool hands it out and takes it back. On the
 * client's event loop.
 */
final class LocalConnection extends ChannelInboundHandlerAdapter {
    static final String CODEC = "http";

    private final LocalPool pool;
    private Channel channel;
    private LocalExchange owner;
    private boolean keepAlive;
    private boolean reused;
    private long idleSince;

    LocalConnection(LocalPool pool) {
        this.pool = pool;
    }

    Channel channel() {
        return channel;
    }

    boolean usable() {
        return channel != null && channel.isActive() && owner == null;
    }

    /** True when this connection carried an exchange before: the service may have closed it meanwhile. */
    boolean reused() {
        return reused;
    }

    long idleSince() {
        return idleSince;
    }

    void begin(LocalExchange exchange) {
        this.owner = exchange;
        this.keepAlive = true;
    }

    /** The exchange is over: back to the pool when the connection can carry another, else closed. */
    void end(boolean reusable) {
        owner = null;
        if (reusable && keepAlive && channel.isActive()) {
            channel.config().setAutoRead(true);
            reused = true;
            idleSince = System.nanoTime();
            pool.release(this);
        } else {
            channel.close();
        }
    }

    /** The exchange left mid-way: the connection's state is unknown, so it is closed. */
    void abandon() {
        owner = null;
        channel.close();
    }

    /** The connection switched protocols: it leaves HTTP and the pool for good. */
    void detach() {
        owner = null;
        channel.pipeline().remove(this);
        channel.pipeline().remove(CODEC);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        LocalExchange o = owner;
        if (o == null) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            if (!HttpUtil.isKeepAlive(r)) {
                keepAlive = false;
            }
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                owner = null;
                o.failed("unreadable response: " + r.decoderResult().cause().getMessage());
                ctx.close();
                return;
            }
            o.response(r);
        } else if (msg instanceof HttpContent c) {
            o.content(c);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        LocalExchange o = owner;
        owner = null;
        pool.forget(this);
        if (o != null) {
            o.failed("the local service closed the connection");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LocalExchange o = owner;
        owner = null;
        if (o != null) {
            o.failed(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        }
        ctx.close();
    }

    static HttpClientCodec codec() {
        return new HttpClientCodec();
    }
}
