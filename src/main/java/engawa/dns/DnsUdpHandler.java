package engawa.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the datagrams of one UDP socket: each through {@link DnsResponder}, the answers written as they
 * come and flushed once per read batch (one sendmmsg with epoll). Nothing a client sends can close the
 * socket: an unexpected failure is logged and answered SERVFAIL. Runs on the socket's event loop.
 */
final class DnsUdpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DnsUdpHandler.class);

    private final DnsResponder responder;
    private final DnsResponder.Outcome outcome = new DnsResponder.Outcome();
    private boolean unflushed;

    DnsUdpHandler(DnsResponder responder) {
        this.responder = responder;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        try {
            ByteBuf in = packet.content();
            try {
                responder.respond(in, in.readerIndex(), in.readableBytes(), packet.sender().getAddress(), false,
                        ctx.alloc(), outcome);
            } catch (RuntimeException e) {
                LOG.warn("answering a query from {} failed", packet.sender(), e);
                outcome.clear();
                outcome.response = responder.servfail(false, ctx.alloc());
            }
            if (outcome.response != null) {
                ctx.write(new DatagramPacket(outcome.response, packet.sender()), ctx.voidPromise());
                unflushed = true;
            }
        } finally {
            packet.release();
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A send to a client that went away (ICMP unreachable) and the like: the socket stays open.
        LOG.debug("dns udp: {}", cause.toString());
    }
}
