package engawa.tunnel;

import engawa.snapshot.SnapshotHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's end of an open link, after the HTTP/2 codec: keeps the link alive and honest. Every keep-alive
 * interval it sends a PING; a client that has not answered one for two intervals (it died, or stopped
 * reading the link) is disconnected, which frees everything its streams held. At every interval it also
 * checks that the client's token is still in the document and may still claim its name. A GOAWAY from the
 * client closes the link once its streams are done. On the link's event loop.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);

    private final TunnelSession session;
    private final SnapshotHolder snapshots;
    private final TunnelRegistry registry;
    private int unanswered;
    private boolean pingOutstanding;
    private ScheduledFuture<?> tick;

    SessionHandler(TunnelSession session, SnapshotHolder snapshots, TunnelRegistry registry) {
        this.session = session;
        this.snapshots = snapshots;
        this.registry = registry;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        var tunnels = snapshots.get().config().tunnels();
        long every = tunnels == null ? 15_000 : tunnels.keepalive().toMillis();
        tick = ctx.executor().scheduleAtFixedRate(() -> tick(ctx), every, every, TimeUnit.MILLISECONDS);
    }

    private void tick(ChannelHandlerContext ctx) {
        if (!registry.stillAllowed(session, snapshots.get().config().tunnels())) {
            LOG.info("{}: its token no longer allows this name; disconnecting", session);
            session.goAway(Http2Error.NO_ERROR, "token no longer allowed to serve \"" + session.tunnel().name() + "\"");
            return;
        }
        if (pingOutstanding && ++unanswered >= 2) {
            LOG.info("{}: no answer to keep-alive; disconnecting", session);
            session.goAway(Http2Error.NO_ERROR, "no answer to keep-alive");
            // The GOAWAY may never get through to a client that does not read: do not wait on it.
            ctx.executor().schedule(() -> ctx.channel().close(), 1, TimeUnit.SECONDS);
            return;
        }
        if (!pingOutstanding) {
            pingOutstanding = true;
            unanswered = 0;
            ctx.writeAndFlush(new DefaultHttp2PingFrame(System.nanoTime(), false));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Http2PingFrame ping && ping.ack()) {
            pingOutstanding = false;
        } else if (msg instanceof Http2GoAwayFrame) {
            session.markClosing();
            ctx.channel().close();
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (tick != null) {
            tick.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: {}", session, cause.toString());
        // The codec answers HTTP/2 errors itself (a GOAWAY naming the error, then close).
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            ctx.close();
        }
    }
}
