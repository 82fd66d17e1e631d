package engawa.doctor;

import engawa.config.BindAddress;
import engawa.config.EngawaConfig;
import engawa.config.ListenConfig;
import engawa.config.UpstreamConfig;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code engawa doctor}: explains the classic reasons an edge does not answer, from the operations notes
 * Engawa grew from: a listener on loopback only (unreachable from outside a VM or container), a port not
 * open, an upstream that is not listening (often because it is bound to 127.0.0.1 in another container),
 * ALIAS records that hand out loopback addresses. Blocking: it opens sockets.
 */
public final class Doctor {
    private final EngawaConfig config;
    private final Environment env;
    private final int connectTimeoutMillis;

    public Doctor(EngawaConfig config, Environment env, int connectTimeoutMillis) {
        this.config = config;
        this.env = env;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    public List<Finding> run() {
        List<Finding> out = new ArrayList<>();
        if (env.inContainer()) {
            out.add(Finding.ok("environment", "running inside a container: its 127.0.0.1 is its own, not the host's"));
        }
        listeners(out);
        edgeAddresses(out);
        upstreams(out);
        return out;
    }

    private void listeners(List<Finding> out) {
        ListenConfig l = config.listen();
        Map<String, BindAddress> roles = new LinkedHashMap<>();
        roles.put("http", l.http());
        roles.put("https", l.https());
        roles.put("dns", l.dns());
        roles.put("tunnel", l.tunnel());
        roles.put("admin", l.admin());
        roles.forEach((role, addr) -> {
            if (addr == null) {
                return;
            }
            String subject = "listen." + role + " " + addr;
            if (!role.equals("admin") && addr.loopback()) {
                out.add(Finding.warn(subject, "bound to loopback: only this machine can connect",
                        "inside a VM or container nothing outside reaches 127.0.0.1; bind every address with \":" + addr.port() + "\""));
            }
            if (addr.port() > 0 && addr.port() < 1024 && !env.canBindLowPorts()) {
                out.add(Finding.fail(subject, "port " + addr.port() + " is below 1024 and this process may not bind it",
                        "run as root, grant CAP_NET_BIND_SERVICE (the systemd unit does: AmbientCapabilities=CAP_NET_BIND_SERVICE), or use a port above 1024"));
            }
            if (addr.port() > 0 && !role.equals("dns")) {
                out.add(portState(subject, addr));
            }
        });
    }

    /** Whether something listens on a TCP listener's port now (Engawa, if it is running). */
    private Finding portState(String subject, BindAddress addr) {
        String host = addr.allAddresses() ? "127.0.0.1" : addr.host();
        switch (connect(host, addr.port())) {
            case OPEN:
                return Finding.ok(subject, "open: something accepts connections on " + host + ":" + addr.port());
            case REFUSED:
                return bindable(addr)
                        ? Finding.warn(subject, "not open: nothing listens on port " + addr.port(), "is `engawa serve` running with this config?")
                        : Finding.fail(subject, "port " + addr.port() + " cannot be bound and refuses connections",
                        "another process may hold it on another address; see `ss -ltnp sport = :" + addr.port() + "`");
            default:
                return Finding.warn(subject, "no answer from " + host + ":" + addr.port() + " within " + connectTimeoutMillis + " ms",
                        "a firewall may drop connections to this port");
        }
    }

    private static boolean bindable(BindAddress addr) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(addr.socketAddress());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void edgeAddresses(List<Finding> out) {
        boolean hasAlias = config.zones().values().stream().anyMatch(z -> z.records().stream().anyMatch(r -> "ALIAS".equals(r.type())));
        for (InetAddress a : config.edge().addresses()) {
            if (hasAlias && a.isLoopbackAddress()) {
                out.add(Finding.warn("edge.addresses " + io.netty.util.NetUtil.toAddressString(a), "ALIAS records answer with a loopback address",
                        "only this machine reaches sites through such answers; list this node's public addresses in edge.addresses"));
            }
        }
    }

    private void upstreams(List<Finding> out) {
        for (UpstreamConfig u : config.upstreams().values()) {
            for (int i = 0; i < u.servers().size(); i++) {
                var url = u.servers().get(i).url();
                String subject = "upstreams." + u.name() + ".servers[" + i + "] " + url;
                if ("unix".equals(url.getScheme())) {
                    java.nio.file.Path sock = java.nio.file.Path.of(url.getSchemeSpecificPart());
                    out.add(java.nio.file.Files.exists(sock) ? Finding.ok(subject, "socket exists")
                            : Finding.fail(subject, "no socket at " + sock, "is the FastCGI server (php-fpm) running, and is its listen path this one?"));
                    continue;
                }
                int port = url.getPort() > 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
                out.add(upstream(subject, url.getHost(), port));
            }
        }
    }

    private Finding upstream(String subject, String host, int port) {
        Reach r = connect(host, port);
        if (r == Reach.OPEN) {
            return Finding.ok(subject, "accepts connections");
        }
        if (r == Reach.UNKNOWN_HOST) {
            return Finding.fail(subject, "host " + host + " does not resolve", "check the name, or use an address");
        }
        boolean loopback = isLoopback(host);
        if (r == Reach.REFUSED && loopback && env.inContainer()) {
            return Finding.fail(subject, "connection refused on " + host + ":" + port,
                    "127.0.0.1 inside this container is the container itself: an application server in another container or on "
                            + "the host is not there. Use its container name or the host's address, and bind the application to 0.0.0.0, not 127.0.0.1");
        }
        if (r == Reach.REFUSED && !loopback) {
            return Finding.fail(subject, "connection refused on " + host + ":" + port,
                    "nothing listens there, or the application listens only on its own 127.0.0.1 (unreachable from here): bind it to 0.0.0.0 or to this address");
        }
        if (r == Reach.REFUSED) {
            return Finding.fail(subject, "connection refused on " + host + ":" + port, "is the application server running on this port?");
        }
        return Finding.fail(subject, "no answer from " + host + ":" + port + " within " + connectTimeoutMillis + " ms",
                "a firewall may drop the connection, or the host is down");
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private enum Reach { OPEN, REFUSED, TIMEOUT, UNKNOWN_HOST }

    private Reach connect(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getByName(host), port), connectTimeoutMillis);
            return Reach.OPEN;
        } catch (UnknownHostException e) {
            return Reach.UNKNOWN_HOST;
        } catch (ConnectException | NoRouteToHostException e) {
            return Reach.REFUSED;
        } catch (SocketTimeoutException e) {
            return Reach.TIMEOUT;
        } catch (IOException e) {
            return Reach.REFUSED;
        }
    }
}
