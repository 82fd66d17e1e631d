package engawa.server;

import engawa.admin.AdminListener;
import engawa.admin.AdminRoutes;
import engawa.config.BindAddress;
import engawa.dns.DnsListener;
import engawa.http.HttpConnections;
import engawa.http.HttpListener;
import engawa.http.HttpListenerContext;
import engawa.net.Listener;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotHolder;
import engawa.tls.SniTlsHandler;
import engawa.tunnel.TunnelListener;
import engawa.tunnel.TunnelListenerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Binds each role's listener with what it needs from the server. */
final class ListenerFactories implements ListenerSet.Factory {
    private static final Logger LOG = LoggerFactory.getLogger(ListenerFactories.class);

    private final EngawaServer server;
    private final SnapshotHolder snapshots;
    private final Services services;
    private final HttpConnections httpConnections;

    ListenerFactories(EngawaServer server, SnapshotHolder snapshots, Services services, HttpConnections httpConnections) {
        this.server = server;
        this.snapshots = snapshots;
        this.services = services;
        this.httpConnections = httpConnections;
    }

    @Override
    public Listener bind(String role, BindAddress address) {
        return switch (role) {
            case "http" -> new HttpListener(role, address,
                    new HttpListenerContext(snapshots, services, httpConnections, null, () -> server.port("https")));
            case "https" -> new HttpListener(role, address,
                    new HttpListenerContext(snapshots, services, httpConnections, ch -> new SniTlsHandler(snapshots,
                            services.certificates(), snapshots.get().config().http().headerTimeout().toMillis()),
                            () -> server.port("https")));
            case "admin" -> new AdminListener(role, address, services, AdminRoutes.standard(server));
            case "dns" -> new DnsListener(role, address, snapshots, services);
            case "tunnel" -> new TunnelListener(role, address,
                    new TunnelListenerContext(snapshots, services, () -> server.port("http"), () -> server.port("https")));
            default -> {
                LOG.warn("listen.{} ({}): accepted, not served yet", role, address);
                yield null;
            }
        };
    }
}
