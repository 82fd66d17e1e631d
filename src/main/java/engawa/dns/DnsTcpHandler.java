package engawa.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the length-prefixed messages of one TCP connection (RFC 7766): pipelined queries are answered in
 * order and flushed once per read; AXFR/IXFR hand the connection to a {@link ZoneTransfer} and queries that
 * arrive meanwhile wait for it. A message that cannot be answered at all (shorter than a header) and an
 * idle connection are closed. Runs on the connection's event loop.
 */
final class DnsTcpHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(DnsTcpHandler.class);

    private final DnsResponder responder;
    private final ExecutorService blocking;
    private final DnsResponder.Outcome outcome = new DnsResponder.Outcome();
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private boolean transferring;
    private boolean unflushed;

    DnsTcpHandler(DnsResponder responder, ExecutorService blocking) {
        this.responder = responder;
        this.blocking = blocking;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf frame)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (transferring) {
            waiting.add(frame);
            return;
        }
        answer(ctx, frame);
    }

    private void answer(ChannelHandlerContext ctx, ByteBuf frame) {
        try {
            InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
            try {
                responder.respond(frame, frame.readerIndex(), frame.readableBytes(), remote.getAddress(), true,
                        ctx.alloc(), outcome);
            } catch (RuntimeException e) {
                LOG.warn("answering a query from {} over TCP failed", remote, e);
                outcome.clear();
                outcome.response = responder.servfail(true, ctx.alloc());
            }
        } finally {
            frame.release();
        }
        if (outcome.response != null) {
            ctx.write(outcome.response);
            unflushed = true;
        } else if (outcome.transfer != null) {
            transferring = true;
            ctx.channel().config().setAutoRead(false);
            ctx.flush();
            unflushed = false;
            DnsResponder.TransferRequest request = outcome.transfer;
            blocking.execute(() -> ZoneTransfer.stream(ctx.channel(), request,
                    () -> ctx.executor().execute(() -> transferDone(ctx))));
        } else {
            ctx.close();
        }
    }

    private void transferDone(ChannelHandlerContext ctx) {
        transferring = false;
        while (!transferring && !waiting.isEmpty() && ctx.channel().isActive()) {
            answer(ctx, waiting.poll());
        }
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
        if (!transferring) {
            ctx.channel().config().setAutoRead(true);
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
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent && !transferring) {
            ctx.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        waiting.forEach(ByteBuf::release);
        waiting.clear();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("dns tcp {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
