package engawa.tunnel.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2PingFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;

/**
 * The client's end of an open link: pings the edge when it has heard nothing for a while and gives the link
 * up (to reconnect) when the ping goes unanswered too; notes why the edge sent GOAWAY. On the client's loop.
 */
final class ClientSessionHandler extends ChannelInboundHandlerAdapter {
    private final TunnelClient client;
    private boolean pingOutstanding;

    ClientSessionHandler(TunnelClient client) {
        this.client = client;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (pingOutstanding) {
                client.reason("the server stopped answering");
                ctx.close();
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
        } else if (msg instanceof Http2GoAwayFrame g) {
            String debug = g.content().toString(StandardCharsets.UTF_8);
            client.reason("the server closed the link" + (debug.isEmpty() ? "" : ": " + debug));
        }
        ReferenceCountUtil.release(msg);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        client.reason(cause.getMessage() == null ? cause.toString() : cause.getMessage());
        // The codec answers HTTP/2 errors itself (a GOAWAY naming the error, then close).
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) == null) {
            ctx.close();
        }
    }
}
