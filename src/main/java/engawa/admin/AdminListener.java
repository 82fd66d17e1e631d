package engawa.admin;

import engawa.config.BindAddress;
import engawa.net.Listener;
import engawa.snapshot.Services;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;

/**
 * The admin listener ({@code listen.admin}): the JSON API, {@code /metrics} and the dashboard over
 * HTTP/1.1, on the shared event loops. Closing it (a revision moved it, or shutdown) stops accepting and
 * lets each open connection finish the call in flight before it closes.
 */
public final class AdminListener implements Listener {
    private final String role;
    private final BindAddress address;
    private final Channel channel;
    private final ChannelGroup connections = new DefaultChannelGroup("admin", GlobalEventExecutor.INSTANCE);

    public AdminListener(String role, BindAddress address, Services services, AdminRouter router) {
        this.role = role;
        this.address = address;
        this.channel = new ServerBootstrap()
                .group(services.workers())
                .channel(services.transport().serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new AdminServerInitializer(router, services.blocking(), connections))
                .bind(address.socketAddress())
                .syncUninterruptibly()
                .channel();
    }

    @Override
    public String role() {
        return role;
    }

    @Override
    public BindAddress address() {
        return address;
    }

    @Override
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        for (Channel c : connections) {
            c.eventLoop().execute(() -> c.pipeline().fireUserEventTriggered(AdminHandler.RETIRE));
        }
    }
}
