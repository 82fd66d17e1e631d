package engawa.admin;

import engawa.upstream.UpstreamPools;
import engawa.upstream.UpstreamStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/upstreams}: every server of every upstream pool being served, as
 * {@code {"upstreams": {"app": {"healthy": 1, "servers": [{"url", "weight", "healthy", "in_flight",
 * "requests", "failures", "last_check", "last_check_at"}]}}}}; counts are since the pool started.
 */
final class UpstreamsApi {
    private final UpstreamPools pools;

    UpstreamsApi(UpstreamPools pools) {
        this.pools = pools;
    }

    void register(AdminRouter router) {
        router.get("/api/v1/upstreams", this::list);
    }

    private AdminResponse list(AdminRequest request) {
        Map<String, List<UpstreamStatus>> byUpstream = pools.status().stream()
                .collect(Collectors.groupingBy(UpstreamStatus::upstream, LinkedHashMap::new, Collectors.toList()));
        Map<String, Object> upstreams = new LinkedHashMap<>();
        byUpstream.forEach((name, servers) -> {
            Map<String, Object> u = new LinkedHashMap<>();
            u.put("healthy", servers.stream().filter(UpstreamStatus::healthy).count());
            u.put("servers", servers.stream().map(UpstreamsApi::server).toList());
            upstreams.put(name, u);
        });
        return AdminResponse.ok(Map.of("upstreams", upstreams));
    }

    private static Map<String, Object> server(UpstreamStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("url", s.server());
        m.put("weight", s.weight());
        m.put("healthy", s.healthy());
        m.put("in_flight", s.inFlight());
        m.put("requests", s.requests());
        m.put("failures", s.failures());
        m.put("last_check", s.lastCheck());
        m.put("last_check_at", s.lastCheckAt() == null ? null : s.lastCheckAt().toString());
        return m;
    }
}
