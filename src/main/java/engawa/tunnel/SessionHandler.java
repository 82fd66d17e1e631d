package engawa.tunnel;

import engawa.snapshot.SnapshotHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's end of an open link, after the HTTP/2 codec: keeps the link alive and honest. When nothing has
 * been read for a keep-alive interval it sends a PING; when another interval passes with nothing read (a
 * client that died, or stopped reading and so never answers), it ends the link. At every interval it also
 * checks that the client's token is still in the document and may still claim its name. A GOAWAY from the
 * client closes the link once its streams are done. On the link's event loop.
 */
final class SessionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(SessionHandler.class);

    private final TunnelSession session;
    private final SnapshotHolder snapshots;
    private final TunnelRegistry registry;
    private boolean pingOutstanding;
    private ScheduledFuture<?> check;

    SessionHandler(TunnelSession session, SnapshotHolder snapshots, TunnelRegistry registry) {
        this.session = session;
        this.snapshots = snapshots;
        this.registry = registry;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        long every = snapshots.get().config().tunnels().keepalive().toMillis();
        check = ctx.executor().scheduleAtFixedRate(this::checkToken, every, every, TimeUnit.MILLISECONDS);
    }

    private void checkToken() {
        if (!registry.stillAllowed(session, snapshots.get().config().tunnels())) {
            LOG.info("{}: its token no longer allows this name; disconnecting", session);
            session.goAway(Http2Error.NO_ERROR, "token no longer allowed to serve \"" + session.tunnel().name() + "\"");
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (pingOutstanding) {
                LOG.info("{}: no answer to keep-alive; disconnecting", session);
                session.goAway(Http2Error.NO_ERROR, "no answer to keep-alive");
                // It may be that it is the writes that do not get through: do not wait on them.
                ctx.executor().schedule(() -> ctx.channel().close(), 1, TimeUnit.SECONDS);
            } else {
                pingOutstanding = true;
                ctx.writeAndFlush(new DefaultHttp2PingFrame(System.nanoTime(), false));
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
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
        if (check != null) {
            check.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{}: {}", session, cause.toString());
        ctx.close();
    }
}
