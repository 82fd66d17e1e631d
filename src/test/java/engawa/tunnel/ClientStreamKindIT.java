package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.Examples;
import engawa.tunnel.client.RequestLine;
import engawa.tunnel.client.TunnelClient;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The client trusts its edge, but not blindly: a stream of the wrong kind for the tunnel it serves (a
 * CONNECT on an HTTP tunnel, which would open a raw pipe to the local service; an HTTP request on a TCP
 * tunnel) is answered 400 and never reaches the local service. The edge here is a hand-made one that
 * sends such streams on purpose.
 */
class ClientStreamKindIT {

    @Test
    void aConnectStreamOnAnHttpTunnelIsRefusedAndNothingReachesTheLocalService() throws Exception {
        assertThat(statusFromClient(TunnelKind.HTTP, new DefaultHttp2Headers().method("CONNECT").authority("x:1"))).isEqualTo("400");
    }

    @Test
    void anHttpStreamOnATcpTunnelIsRefusedAndNothingReachesTheLocalService() throws Exception {
        assertThat(statusFromClient(TunnelKind.TCP, new DefaultHttp2Headers().method("GET").scheme("http")
                .authority("x").path("/"))).isEqualTo("400");
    }

    /** Runs a client of {@code kind} against a fake edge that opens one stream with {@code request}; returns its :status. */
    private static String statusFromClient(TunnelKind kind, Http2Headers request) throws Exception {
        Path certs = Examples.dir().resolve("certs");
        SslContext tls = SslContextBuilder.forServer(certs.resolve("example.test.crt").toFile(), certs.resolve("example.test.key").toFile())
                .protocols("TLSv1.3").build();
        CompletableFuture<String> status = new CompletableFuture<>();
        AtomicReference<Channel> link = new AtomicReference<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ServerSocket local = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AtomicInteger localConnections = new AtomicInteger();
            Thread.ofVirtual().start(() -> {
                while (!local.isClosed()) {
                    try {
                        local.accept().close();
                        localConnections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            Channel edge = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            link.set(ch);
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc()));
                            ch.pipeline().addLast("hello", new HelloDecoder());
                            ch.pipeline().addLast("answer", new SimpleChannelInboundHandler<Hello>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, Hello hello) {
                                    ctx.writeAndFlush(Handshakes.encode(ctx.alloc(),
                                            HelloReply.open("t", List.of("http://t.example.test"), 0, 15_000)));
                                    var p = ctx.pipeline();
                                    p.addAfter(ctx.name(), "h2", Http2FrameCodecBuilder.forClient().build());
                                    p.addAfter("h2", "mux", new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
                                        @Override
                                        protected void initChannel(Channel c) {
                                            c.close();
                                        }
                                    }));
                                    p.remove(this);
                                    p.remove("hello");
                                    new Http2StreamChannelBootstrap(ctx.channel()).handler(new SimpleChannelInboundHandler<Http2HeadersFrame>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext s, Http2HeadersFrame f) {
                                            status.complete(String.valueOf(f.headers().status()));
                                        }
                                    }).open().addListener(f -> ((Http2StreamChannel) f.getNow())
                                            .writeAndFlush(new DefaultHttp2HeadersFrame(request, false)));
                                }
                            });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) edge.localAddress()).getPort();
            TunnelClient client = new TunnelClient(new TunnelClient.Options("127.0.0.1", port, "tunnel.example.test", "token", "t", kind,
                    "127.0.0.1", local.getLocalPort(), certs.resolve("ca.crt"), false, null, List.of(), null), new Quiet());
            try {
                client.start();
                String s = status.get(30, TimeUnit.SECONDS);
                Thread.sleep(Duration.ofMillis(300));
                assertThat(localConnections.get()).as("connections to the local service").isZero();
                return s;
            } finally {
                // The link first, so that the client does not wait out its graceful shutdown.
                if (link.get() != null) {
                    link.get().close().sync();
                }
                client.close();
                edge.close();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    private static final class Quiet implements TunnelClient.Events {
        @Override
        public void online(HelloReply reply, boolean again) {
        }

        @Override
        public void offline(String why, Duration retryIn) {
        }

        @Override
        public void request(RequestLine line) {
        }

    }
}
