package engawa.tunnel;

import engawa.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public port of a TCP tunnel: each connection accepted there becomes a {@code CONNECT} stream to one of
 * the tunnel's clients, and bytes flow both ways once the client says it reached its local port (200).
 * Connections from outside the client's allow-list, or while no client is on, are closed at once. Binding
 * happens on the calling thread; connections run on the event loops.
 */
final class TcpTunnelListener implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TcpTunnelListener.class);

    private final Tunnel tunnel;
    private final Channel server;

    TcpTunnelListener(Tunnel tunnel, String host, int port, Transport transport, EventLoopGroup workers) {
        this.tunnel = tunnel;
        InetSocketAddress at = host == null || host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        this.server = new ServerBootstrap()
                .group(workers)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("connect", new Connect());
                    }
                })
                .bind(at)
                .syncUninterruptibly()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Opens the stream for a new public connection and waits for the client's answer; on the connection's loop. */
    private final class Connect extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel socket = ctx.channel();
            InetSocketAddress from = (InetSocketAddress) socket.remoteAddress();
            TunnelSession session = tunnel.pick();
            TunnelAccess access = tunnel.access();
            if (session == null || (access != null && !access.allows(from.getAddress()))) {
                socket.close();
                return;
            }
            session.countRequest();
            session.open().addListener(f -> {
                if (!f.isSuccess()) {
                    socket.close();
                    return;
                }
                Http2StreamChannel stream = (Http2StreamChannel) f.getNow();
                stream.pipeline().addLast("answer", new Answer(socket, session));
                var headers = new DefaultHttp2Headers().method("CONNECT").authority(tunnel.name() + ":" + port());
                headers.add("x-forwarded-for", from.getAddress().getHostAddress());
                stream.writeAndFlush(new DefaultHttp2HeadersFrame(headers, false));
                socket.closeFuture().addListener(c -> {
                    if (stream.pipeline().get("answer") != null) {
                        stream.close();
                    }
                });
            });
            ctx.fireChannelActive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** The client's answer to CONNECT: 200 starts the relay, anything else closes the public connection. */
    private static final class Answer extends ChannelInboundHandlerAdapter {
        private final Channel socket;
        private final TunnelSession session;

        Answer(Channel socket, TunnelSession session) {
            this.socket = socket;
            this.session = session;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame h && "200".contentEquals(h.headers().status()) && !h.isEndStream()) {
                RawRelay.bridge(socket, (Http2StreamChannel) ctx.channel(), "answer", session.relayMeter());
                return;
            }
            LOG.debug("tunnel {}: client refused a TCP connection: {}", session.tunnel().name(), msg);
            ReferenceCountUtil.release(msg);
            socket.close();
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            socket.close();
            ctx.fireChannelInactive();
        }
    }
}
