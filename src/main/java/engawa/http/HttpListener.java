package engawa.http;

import engawa.config.BindAddress;
import engawa.net.Listener;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;

/** An HTTP or HTTPS listener: a server socket whose connections get {@link HttpServerInitializer}'s pipeline. */
public final class HttpListener implements Listener {
    private final String role;
    private final BindAddress address;
    private final Channel channel;

    public HttpListener(String role, BindAddress address, HttpListenerContext lc) {
        this.role = role;
        this.address = address;
        var services = lc.services();
        this.channel = new ServerBootstrap()
                .group(services.workers())
                .channel(services.transport().serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new HttpServerInitializer(lc))
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
    }
}
