package engawa.tunnel;

import engawa.config.BindAddress;
import engawa.config.TunnelsConfig;
import engawa.net.TcpListener;
import engawa.snapshot.Snapshot;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetAddress;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code listen.tunnel}: where tunnel clients connect. Each connection is first held to the caps on pending
 * handshakes (closed at once over them), then must complete TLS 1.3 and a {@link Hello} within the
 * handshake timeout; see {@link HandshakeHandler}.
 */
public final class TunnelListener extends TcpListener {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelListener.class);

    private final TunnelListenerContext lc;
    private final LinkTls tls;

    public TunnelListener(String role, BindAddress address, TunnelListenerContext lc) {
        super(role, address);
        this.lc = lc;
        var services = lc.services();
        this.tls = new LinkTls(services.certificates());
        bind(bootstrap(services.workers(), services.transport(), 1024, new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                accept(ch);
            }
        }));
    }

    private void accept(Channel ch) {
        TunnelRegistry registry = lc.services().tunnels();
        InetAddress client = HandshakeHandler.address(ch);
        Snapshot snapshot = lc.snapshots().get();
        TunnelsConfig tunnels = snapshot.config().tunnels();
        if (!registry.pending().tryAcquire(client)) {
            registry.metrics().handshake("over_cap");
            ch.close();
            return;
        }
        SslContext ctx;
        try {
            ctx = tunnels == null ? null : tls.context(snapshot);
        } catch (SSLException | RuntimeException e) {
            LOG.error("tunnels.tls: certificate \"{}\" cannot serve the tunnel link: {}", tunnels.tls(), e.getMessage());
            ctx = null;
        }
        if (ctx == null) {
            registry.pending().release(client);
            ch.close();
            return;
        }
        SslHandler ssl = ctx.newHandler(ch.alloc());
        ssl.setHandshakeTimeoutMillis(tunnels.handshakeTimeout().toMillis());
        var endpoints = new TunnelRegistry.Endpoints(tunnels.domain(), lc.httpPort().getAsInt(), lc.httpsPort().getAsInt(), address().host());
        ch.pipeline().addLast("tls", ssl);
        ch.pipeline().addLast("hello", new HelloDecoder());
        ch.pipeline().addLast("handshake", new HandshakeHandler(lc, tunnels, endpoints, client));
    }
}
