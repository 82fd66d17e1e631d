package engawa.dns;

import engawa.config.BindAddress;
import engawa.net.TcpListener;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotHolder;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The {@code dns} listener: UDP and TCP on the same address. With epoll there is one UDP socket per event
 * loop (SO_REUSEPORT, so the kernel spreads queries over the loops), each reading many datagrams per system
 * call (recvmmsg) and answering them in one flush (sendmmsg). TCP connections get a length-prefix framer,
 * an idle timeout ({@code dns.tcp_idle_timeout}) and {@link DnsTcpHandler}.
 */
public final class DnsListener extends TcpListener {
    /** The largest UDP query read whole; a longer one arrives cut short and gets FORMERR. */
    static final int MAX_UDP_QUERY = 2048;
    private static final int DATAGRAMS_PER_READ = 32;

    private final List<Channel> udp = new ArrayList<>();

    public DnsListener(String role, BindAddress address, SnapshotHolder snapshots, Services services) {
        super(role, address);
        DnsResponder responder = new DnsResponder(snapshots, new DnsMeters(services.meters()));
        EventLoopGroup group = services.workers();
        boolean epoll = services.transport().epoll();
        int sockets = epoll && group instanceof MultithreadEventExecutorGroup m ? m.executorCount() : 1;
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(services.transport().datagramChannel())
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new DnsUdpHandler(responder));
                    }
                });
        if (epoll) {
            b.option(EpollChannelOption.SO_REUSEPORT, true)
                    .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_UDP_QUERY)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP_QUERY * DATAGRAMS_PER_READ));
        } else {
            b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_UDP_QUERY));
        }
        long idle = snapshots.get().config().dns().tcpIdleTimeout().toMillis();
        ServerBootstrap tcpBootstrap = bootstrap(group, services.transport(), 1024, new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                        .addLast(new IdleStateHandler(0, 0, idle, TimeUnit.MILLISECONDS))
                        .addLast(new LengthFieldBasedFrameDecoder(Query.MAX_MESSAGE, 0, 2, 0, 2))
                        .addLast(new DnsTcpHandler(responder, services.blocking()));
            }
        });
        Channel tcpChannel = null;
        // Port 0 (tests): TCP picks a port free for TCP, UDP takes the same one or the next attempt tries
        // again; a port that failed stays held until the end so that the kernel offers a different one.
        List<Channel> held = new ArrayList<>();
        try {
            for (int attempt = 0; tcpChannel == null; attempt++) {
                Channel candidate = tcpBootstrap.bind(address.socketAddress()).syncUninterruptibly().channel();
                try {
                    bindUdp(b, ((InetSocketAddress) candidate.localAddress()).getPort(), sockets);
                    tcpChannel = candidate;
                } catch (RuntimeException e) {
                    held.add(candidate);
                    if (address.port() != 0 || attempt >= 20) {
                        throw e;
                    }
                }
            }
        } finally {
            held.forEach(c -> c.close().syncUninterruptibly());
        }
        bound(tcpChannel);
    }

    private void bindUdp(Bootstrap b, int port, int sockets) {
        InetSocketAddress at = address().allAddresses() ? new InetSocketAddress(port) : new InetSocketAddress(address().host(), port);
        List<Channel> bound = new ArrayList<>();
        try {
            for (int i = 0; i < sockets; i++) {
                bound.add(b.bind(at).syncUninterruptibly().channel());
            }
            udp.addAll(bound);
        } catch (RuntimeException e) {
            bound.forEach(c -> c.close().syncUninterruptibly());
            throw e;
        }
    }

    @Override
    public void close() {
        super.close();
        udp.forEach(c -> c.close().syncUninterruptibly());
    }
}
