package engawa.tunnel;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tunnel meters: handshakes by outcome, clients and names online, and requests and bytes through
 * tunnels. Per-name figures are in the admin API, not here, since names are chosen by clients and would
 * make the series unbounded. Thread-safe.
 */
final class TunnelMetrics {
    private final MeterRegistry meters;
    private final ConcurrentHashMap<String, Counter> handshakes = new ConcurrentHashMap<>();

    TunnelMetrics(MeterRegistry meters, TunnelRegistry registry) {
        this.meters = meters;
        Gauge.builder("engawa_tunnel_clients", registry, r -> r.totals().clients())
                .description("tunnel clients connected").register(meters);
        Gauge.builder("engawa_tunnel_names", registry, r -> r.totals().names())
                .description("tunnel names served or reserved").register(meters);
        FunctionCounter.builder("engawa_tunnel_requests", registry, r -> r.totals().requests())
                .description("public requests and TCP connections carried by tunnels").register(meters);
        FunctionCounter.builder("engawa_tunnel_bytes", registry, r -> r.totals().bytesIn())
                .tag("direction", "in").description("bytes from the public side to tunnel clients").register(meters);
        FunctionCounter.builder("engawa_tunnel_bytes", registry, r -> r.totals().bytesOut())
                .tag("direction", "out").description("bytes from tunnel clients to the public side").register(meters);
    }

    /** Counts a handshake's outcome: {@code opened}, a refusal code, or a failure (timeout, tls, over_cap). */
    void handshake(String outcome) {
        handshakes.computeIfAbsent(outcome, o -> Counter.builder("engawa_tunnel_handshakes")
                .tag("outcome", o).description("tunnel handshakes by outcome").register(meters)).increment();
    }
}
