package engawa.net;

import engawa.config.BindAddress;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;

/**
 * A listener on a TCP server socket: the options every role uses (address reuse, no Nagle on accepted
 * connections), the bind, the bound port and the close. The subclass builds its connections' pipeline and
 * binds in its constructor, once whatever its child handler reads is set (a connection may be accepted on
 * an event loop as soon as the socket is bound).
 */
public abstract class TcpListener implements Listener {
    private final String role;
    private final BindAddress address;
    /** Set once, by the subclass's constructor; read by the thread that applies or closes revisions. */
    private volatile Channel channel;

    protected TcpListener(String role, BindAddress address) {
        this.role = role;
        this.address = address;
    }

    /**
     * A server bootstrap on {@code group} with {@code transport}'s server channel, the listeners' socket
     * options and a backlog of {@code backlog} connections (0: the system's default).
     */
    protected static ServerBootstrap bootstrap(EventLoopGroup group, Transport transport, int backlog, ChannelHandler children) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel());
        if (backlog > 0) {
            b.option(ChannelOption.SO_BACKLOG, backlog);
        }
        return b.option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(children);
    }

    /** Binds {@code b} to this listener's address, or throws why it cannot. */
    protected final void bind(ServerBootstrap b) {
        bound(b.bind(address.socketAddress()).syncUninterruptibly().channel());
    }

    /** The server channel this listener accepts on, when the subclass bound it itself. */
    protected final void bound(Channel serverChannel) {
        this.channel = serverChannel;
    }

    @Override
    public final String role() {
        return role;
    }

    @Override
    public final BindAddress address() {
        return address;
    }

    @Override
    public final int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Stops accepting; a subclass that holds more sockets or connections closes or retires them after. */
    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }
}
