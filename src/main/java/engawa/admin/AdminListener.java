package engawa.admin;

import engawa.config.BindAddress;
import engawa.net.TcpListener;
import engawa.snapshot.Services;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * The admin listener ({@code listen.admin}): the JSON API, {@code /metrics} and the dashboard over
 * HTTP/1.1, on the shared event loops. Closing it (a revision moved it, or shutdown) stops accepting and
 * lets each open connection finish the call in flight before it closes.
 */
public final class AdminListener extends TcpListener {
    private final ChannelGroup connections = new DefaultChannelGroup("admin", GlobalEventExecutor.INSTANCE);

    public AdminListener(String role, BindAddress address, Services services, AdminRouter router) {
        super(role, address);
        bind(bootstrap(services.workers(), services.transport(), 0,
                new AdminServerInitializer(router, services.blocking(), connections)));
    }

    @Override
    public void close() {
        super.close();
        for (Channel c : connections) {
            c.eventLoop().execute(() -> c.pipeline().fireUserEventTriggered(AdminHandler.RETIRE));
        }
    }
}
