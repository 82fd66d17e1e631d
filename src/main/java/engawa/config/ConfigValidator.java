package engawa.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Checks that span sections: names that refer to other entries, hosts owned twice, files that must exist. */
final class ConfigValidator {

    private ConfigValidator() {
    }

    static void validate(EngawaConfig c, Problems p) {
        checkAdmin(c, p);
        checkCertificates(c, p);
        checkSites(c, p);
        checkZones(c, p);
        checkTunnels(c, p);
    }

    private static void checkTunnels(EngawaConfig c, Problems p) {
        TunnelsConfig t = c.tunnels();
        if (t != null && t.tls() != null && !c.certificates().containsKey(t.tls())) {
            p.error("tunnels.tls", "no certificate named \"" + t.tls() + "\"");
        }
        if (c.listen().tunnel() == null) {
            return;
        }
        if (t == null) {
            p.error("listen.tunnel", "tunnel clients need a tunnels: section (domain, tls, tokens)");
            return;
        }
        if (t.tls() == null) {
            p.error("tunnels.tls", "required with listen.tunnel: the tunnel link is always TLS");
        }
        if (t.tcpPorts() != null) {
            ListenConfig l = c.listen();
            java.util.Map<String, BindAddress> listeners = new java.util.LinkedHashMap<>();
            listeners.put("http", l.http());
            listeners.put("https", l.https());
            listeners.put("dns", l.dns());
            listeners.put("tunnel", l.tunnel());
            listeners.put("admin", l.admin());
            listeners.forEach((role, a) -> {
                if (a != null && t.tcpPorts().contains(a.port())) {
                    p.error("tunnels.tcp_ports", "range " + t.tcpPorts() + " holds port " + a.port() + " of listen." + role);
                }
            });
        }
    }

    private static void checkAdmin(EngawaConfig c, Problems p) {
        BindAddress admin = c.listen().admin();
        if (admin != null && c.admin().tokens().isEmpty() && !admin.loopback()) {
            p.error("listen.admin", "the admin listener is on " + admin
                    + " with no admin.tokens: bind it to loopback (127.0.0.1:PORT) or add a token");
        }
    }

    private static void checkCertificates(EngawaConfig c, Problems p) {
        c.certificates().forEach((name, cert) -> {
            if (!cert.issued()) {
                requireFile(p, "certificates." + name + ".cert_file", cert.certFile());
                requireFile(p, "certificates." + name + ".key_file", cert.keyFile());
            }
        });
    }

    private static void requireFile(Problems p, String path, Path file) {
        if (file != null && !Files.isRegularFile(file)) {
            p.error(path, "file " + file + " does not exist");
        }
    }

    private static void checkSites(EngawaConfig c, Problems p) {
        Map<String, String> owner = new HashMap<>();
        c.sites().forEach((siteName, site) -> {
            String at = "sites." + siteName;
            if (site.tls() != null && !c.certificates().containsKey(site.tls())) {
                p.error(at + ".tls", "no certificate named \"" + site.tls() + "\"");
            }
            for (int i = 0; i < site.hosts().size(); i++) {
                String host = site.hosts().get(i);
                String other = owner.putIfAbsent(host, siteName);
                if (other != null) {
                    p.error(at + ".hosts[" + i + "]", "host \"" + host + "\" belongs to site \"" + other
                            + "\" too; a host belongs to at most one site");
                }
            }
            List<RouteConfig> routes = site.routes();
            for (RouteConfig r : routes) {
                checkRoute(c, p, at + ".routes[" + r.index() + "]", r);
            }
        });
    }

    private static void checkRoute(EngawaConfig c, Problems p, String at, RouteConfig r) {
        switch (r.handler()) {
            case RouteConfig.Proxy proxy -> {
                UpstreamConfig u = c.upstreams().get(proxy.upstream());
                if (u == null) {
                    p.error(at + ".proxy", "no upstream named \"" + proxy.upstream() + "\"");
                } else if (u.protocol() != UpstreamConfig.Protocol.HTTP) {
                    p.error(at + ".proxy", "upstream \"" + proxy.upstream() + "\" speaks fastcgi; use fastcgi: {upstream: "
                            + proxy.upstream() + "}");
                }
            }
            case RouteConfig.FastCgi fcgi -> {
                UpstreamConfig u = c.upstreams().get(fcgi.upstream());
                if (u == null) {
                    p.error(at + ".fastcgi.upstream", "no upstream named \"" + fcgi.upstream() + "\"");
                } else if (u.protocol() != UpstreamConfig.Protocol.FASTCGI) {
                    p.error(at + ".fastcgi.upstream", "upstream \"" + fcgi.upstream() + "\" is not protocol: fastcgi");
                }
                if (fcgi.root() != null && !Files.isDirectory(fcgi.root())) {
                    p.warning(at + ".fastcgi.root", "folder " + fcgi.root() + " does not exist (yet)");
                }
            }
            case RouteConfig.Static st -> {
                // A root may also be a single file (a route such as /robots.txt).
                if (st.root() != null && !Files.exists(st.root())) {
                    p.warning(at + ".static.root", st.root() + " does not exist (yet): requests get 404 until it does");
                }
            }
            case RouteConfig.Redirect red -> {
                if (red.to() != null && !red.to().startsWith("/") && !red.to().matches("https?://.+")) {
                    p.error(at + ".redirect.to", "\"" + red.to() + "\" is not an http(s) URL or an absolute path");
                }
            }
        }
        if (r.access().usersFile() != null) {
            requireFile(p, at + ".access.basic_auth.users_file", r.access().usersFile());
        }
    }

    private static void checkZones(EngawaConfig c, Problems p) {
        c.zones().forEach((zoneName, zone) -> {
            boolean apexNs = false;
            for (ZoneConfig.Record r : zone.records()) {
                if ("ALIAS".equals(r.type()) && r.site() != null && !c.sites().containsKey(r.site())) {
                    p.error(r.path() + ".site", "no site named \"" + r.site() + "\"");
                }
                if ("ALIAS".equals(r.type()) && c.edge().addresses().isEmpty()) {
                    p.error(r.path(), "an ALIAS record answers with edge.addresses, and there are none");
                }
                apexNs |= r.type().equals("NS") && r.name().equals(zone.name());
            }
            if (!apexNs && c.edge().nameservers().isEmpty()) {
                p.warning("zones." + Names.stripDot(zoneName), "the zone has no NS records at its apex and edge.nameservers "
                        + "is empty: secondaries and zone checkers expect an NS set");
            }
        });
    }
}
