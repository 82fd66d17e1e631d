package engawa.admin;

import engawa.tunnel.TunnelRegistry;
import engawa.tunnel.TunnelView;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /api/v1/tunnels}: every tunnel name served or reserved, as {@code {"tunnels": [{"name", "kind",
 * "token", "urls", "port", "exclusive", "since", "reserved_until", "requests", "bytes_in", "bytes_out",
 * "clients": [{"address", "since", "requests", "bytes_in", "bytes_out", "streams"}]}]}}. Bytes "in" went
 * from the public side to the client; counts are since the name was first claimed.
 */
final class TunnelsApi {
    private final TunnelRegistry registry;

    TunnelsApi(TunnelRegistry registry) {
        this.registry = registry;
    }

    void register(AdminRouter router) {
        router.get("/api/v1/tunnels", r -> AdminResponse.ok(Map.of("tunnels", registry.list().stream().map(TunnelsApi::tunnel).toList())));
    }

    private static Map<String, Object> tunnel(TunnelView t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", t.name());
        m.put("kind", t.kind());
        m.put("token", t.token());
        m.put("urls", t.urls());
        m.put("port", t.port() == 0 ? null : t.port());
        m.put("exclusive", t.exclusive());
        m.put("since", t.since() == null ? null : t.since().toString());
        m.put("reserved_until", t.reservedUntil() == null ? null : t.reservedUntil().toString());
        m.put("requests", t.requests());
        m.put("bytes_in", t.bytesIn());
        m.put("bytes_out", t.bytesOut());
        m.put("clients", t.clients().stream().map(c -> {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("address", c.address());
            cm.put("since", c.since().toString());
            cm.put("requests", c.requests());
            cm.put("bytes_in", c.bytesIn());
            cm.put("bytes_out", c.bytesOut());
            cm.put("streams", c.streams());
            return cm;
        }).toList());
        return m;
    }
}
