package engawa.tunnel;

import engawa.config.TunnelsConfig;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges a link's {@link Hello} and either opens the tunnel (replies with the public URLs, then turns the
 * connection into HTTP/2 with the edge as the client) or refuses it (replies why, then closes). The whole
 * handshake, TLS included, must finish within {@code tunnels.handshake_timeout}, and holds one of the
 * {@link PendingHandshakes} slots until it does. The claim itself may bind a TCP port, so it runs on a
 * virtual thread; everything else on the link's event loop.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeHandler.class);
    /** Streams are never opened by the tunnel client; one that tries breaks the protocol. */
    private static final ChannelInitializer<Channel> NO_INBOUND_STREAMS = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Channel ch) {
            ch.close();
        }
    };

    private final TunnelListenerContext lc;
    private final TunnelRegistry.Endpoints endpoints;
    private final TunnelsConfig config;
    private final InetAddress client;
    private ScheduledFuture<?> deadline;
    private boolean released;
    private boolean judged;

    HandshakeHandler(TunnelListenerContext lc, TunnelsConfig config, TunnelRegistry.Endpoints endpoints, InetAddress client) {
        this.lc = lc;
        this.config = config;
        this.endpoints = endpoints;
        this.client = client;
    }

    private TunnelRegistry registry() {
        return lc.services().tunnels();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> timeout(ctx), config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void timeout(ChannelHandlerContext ctx) {
        if (judged) {
            return;
        }
        judged = true;
        registry().metrics().handshake("timeout");
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls != null && tls.handshakeFuture().isSuccess()) {
            refuse(ctx, new Refusal(Refusal.BAD_HANDSHAKE, "no handshake within " + config.handshakeTimeout().toMillis() + "ms"), false);
        } else {
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
            LOG.debug("tunnel link from {}: TLS failed: {}", client, e.cause().toString());
            if (!judged) {
                judged = true;
                registry().metrics().handshake("tls");
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (judged) {
            ReferenceCountUtil.release(msg);
            return;
        }
        judged = true;
        if (msg instanceof Refusal r) {
            refuse(ctx, r, true);
            return;
        }
        if (!(msg instanceof Hello hello)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        // Nothing more is read until the claim is decided.
        ctx.channel().config().setAutoRead(false);
        lc.services().blocking().execute(() -> {
            try {
                TunnelSession session = registry().claim(config, hello, ctx.channel(), endpoints);
                ctx.executor().execute(() -> open(ctx, session));
            } catch (Refusal r) {
                ctx.executor().execute(() -> refuse(ctx, r, true));
            } catch (RuntimeException e) {
                LOG.error("tunnel link from {}: claim failed", client, e);
                ctx.executor().execute(() -> refuse(ctx, new Refusal(Refusal.UNAVAILABLE, "the edge could not open the tunnel"), true));
            }
        });
    }

    private void refuse(ChannelHandlerContext ctx, Refusal r, boolean count) {
        if (count) {
            registry().metrics().handshake(r.code());
        }
        LOG.info("tunnel link from {} refused: {}", client, r.getMessage());
        release();
        ctx.writeAndFlush(Handshakes.encode(ctx.alloc(), HelloReply.refused(r))).addListener(ChannelFutureListener.CLOSE);
    }

    private void open(ChannelHandlerContext ctx, TunnelSession session) {
        Channel link = ctx.channel();
        Duration grace = config.grace();
        link.closeFuture().addListener(f -> {
            TunnelsConfig now = lc.snapshots().get().config().tunnels();
            registry().depart(session, now == null ? Duration.ZERO : now.grace());
        });
        if (!link.isActive()) {
            return;
        }
        release();
        Tunnel t = session.tunnel();
        ctx.write(Handshakes.encode(ctx.alloc(), HelloReply.open(t.name(), t.urls(), t.port(), config.keepalive().toMillis())));
        ChannelPipeline p = link.pipeline();
        p.addAfter(ctx.name(), "h2", Http2FrameCodecBuilder.forClient()
                .initialSettings(TunnelProtocol.edgeSettings())
                .validateHeaders(true)
                .build());
        p.addAfter("h2", "mux", new Http2MultiplexHandler(NO_INBOUND_STREAMS));
        p.addAfter("mux", "session", new SessionHandler(session, lc.snapshots(), registry()));
        p.remove(this);
        // Whatever the client sent after its hello goes to the HTTP/2 codec now.
        p.remove(HelloDecoder.class);
        link.writeAndFlush(new DefaultHttp2WindowUpdateFrame(TunnelProtocol.EDGE_CONNECTION_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE));
        registry().ready(session);
        registry().metrics().handshake("opened");
        LOG.debug("tunnel link from {}: {} open, grace {}", client, t.name(), grace);
        link.config().setAutoRead(true);
    }

    private void release() {
        if (!released) {
            released = true;
            registry().pending().release(client);
            if (deadline != null) {
                deadline.cancel(false);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("tunnel link from {} failed during the handshake: {}", client, cause.toString());
        ctx.close();
    }

    static InetAddress address(Channel ch) {
        return ch.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : InetAddress.getLoopbackAddress();
    }
}
