package engawa.tunnel.client;

import engawa.tunnel.HelloReply;
import engawa.tunnel.LinkFlushes;
import engawa.tunnel.Handshakes;
import engawa.tunnel.TunnelProtocol;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelOption;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * The client's end of a new link until the tunnel is open: once TLS is up it sends the {@link
 * engawa.tunnel.Hello}, reads the edge's answer, and on success turns the connection into HTTP/2 with the
 * client as the server (each stream the edge opens gets a {@link ClientStream}). On the client's loop.
 */
final class LinkHandler extends ChannelInboundHandlerAdapter {
    private final TunnelClient client;

    LinkHandler(TunnelClient client) {
        this.client = client;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e) {
            if (e.isSuccess()) {
                ctx.writeAndFlush(Handshakes.encode(ctx.alloc(), client.hello()));
            } else {
                client.tlsFailed(e.cause());
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        HelloReply reply;
        try {
            reply = Handshakes.decodeReply(ByteBufUtil.getBytes(frame));
        } catch (IllegalArgumentException e) {
            client.reason(e.getMessage());
            ctx.close();
            return;
        } finally {
            frame.release();
        }
        if (!reply.ok()) {
            client.refused(reply.refusal());
            ctx.close();
            return;
        }
        Channel link = ctx.channel();
        ChannelPipeline p = link.pipeline();
        long keepalive = Math.max(1000, reply.keepaliveMillis());
        p.addAfter("tls", "idle", new IdleStateHandler(keepalive + keepalive / 2, 0, 0, TimeUnit.MILLISECONDS));
        p.addAfter(ctx.name(), "h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(TunnelProtocol.clientSettings())
                .gracefulShutdownTimeoutMillis(5000)
                .validateHeaders(true)
                .build());
        ClientContext cc = client.context();
        LinkFlushes flushes = new LinkFlushes(link);
        p.addAfter("h2", "mux", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.config().setOption(Http2StreamChannelOption.AUTO_STREAM_FLOW_CONTROL, false);
                ch.pipeline().addLast(ClientStream.NAME, new ClientStream(cc, flushes));
            }
        }));
        p.addAfter("mux", "session", new ClientSessionHandler(client));
        p.remove(this);
        // What the edge sent after its answer (its HTTP/2 preface) goes to the codec.
        p.remove("reply");
        client.online(reply);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        client.reason(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        ctx.close();
    }
}
