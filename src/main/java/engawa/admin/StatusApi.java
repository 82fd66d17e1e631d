package engawa.admin;

import engawa.config.RouteConfig;
import engawa.config.SiteConfig;
import engawa.server.EngawaServer;
import engawa.snapshot.Snapshot;
import io.micrometer.core.instrument.Counter;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/status}: what the dashboard shows in one call: the revision served, the listeners as
 * bound, each site with its hosts and routes, and request counts per site (totals since start, by status
 * class; a client derives rates from two readings).
 */
final class StatusApi {
    private final EngawaServer server;

    StatusApi(EngawaServer server) {
        this.server = server;
    }

    void register(AdminRouter router) {
        router.get("/api/v1/status", this::status);
    }

    private AdminResponse status(AdminRequest request) {
        Snapshot s = server.snapshot();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("revision", s.revision());
        body.put("started_at", Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime()).toString());
        body.put("now", Instant.now().toString());
        body.put("listeners", server.listenerAddresses());
        List<Map<String, Object>> sites = new ArrayList<>();
        for (SiteConfig site : s.config().sites().values()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", site.name());
            m.put("hosts", site.hosts());
            m.put("tls", site.tls());
            List<Map<String, String>> routes = new ArrayList<>();
            for (RouteConfig r : site.routes()) {
                routes.add(Map.of("name", "routes[" + r.index() + "]", "path", r.path(), "handler", describe(r.handler())));
            }
            m.put("routes", routes);
            sites.add(m);
        }
        body.put("sites", sites);
        body.put("requests", requestsBySite());
        return AdminResponse.ok(body);
    }

    private Map<String, Map<String, Long>> requestsBySite() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        for (Counter c : server.services().meters().find(RequestMetrics.REQUESTS).counters()) {
            String site = c.getId().getTag("site");
            String status = c.getId().getTag("status");
            long n = (long) c.count();
            Map<String, Long> m = out.computeIfAbsent(site, k -> new TreeMap<>());
            m.merge("total", n, Long::sum);
            m.merge(status.charAt(0) + "xx", n, Long::sum);
        }
        return out;
    }

    private static String describe(RouteConfig.Handler h) {
        return switch (h) {
            case RouteConfig.Static st -> "static " + st.root();
            case RouteConfig.Proxy p -> "proxy " + p.upstream();
            case RouteConfig.FastCgi f -> "fastcgi " + f.upstream();
            case RouteConfig.Redirect r -> "redirect " + r.status() + " " + r.to();
        };
    }
}
