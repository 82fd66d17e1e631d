package engawa.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The socket implementation every listener and client uses: native epoll when it loads (sendfile,
 * SO_REUSEPORT, fewer copies), NIO otherwise, with one log line saying which and why.
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannel,
                        Class<? extends SocketChannel> socketChannel,
                        Class<? extends DatagramChannel> datagramChannel) {

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);

    /** Picks epoll when available, unless {@code -Dengawa.transport=nio}. */
    public static Transport detect() {
        boolean forceNio = "nio".equals(System.getProperty("engawa.transport"));
        if (!forceNio && Epoll.isAvailable()) {
            LOG.info("transport: native epoll");
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class, EpollDatagramChannel.class);
        }
        String why = forceNio ? "-Dengawa.transport=nio" : String.valueOf(Epoll.unavailabilityCause());
        LOG.warn("transport: NIO (native epoll unavailable: {})", why);
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, NioDatagramChannel.class);
    }

    public boolean epoll() {
        return name.equals("epoll");
    }

    /** An event loop group of {@code threads} threads (0: one per available core). */
    public EventLoopGroup newGroup(String threadName, int threads) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(threadName, true), ioHandlerFactory);
    }
}
