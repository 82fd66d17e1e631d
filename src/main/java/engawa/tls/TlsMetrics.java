package engawa.tls;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * TLS meters: {@code engawa_tls_handshakes_total{provider, protocol, result}}, labelled with the engine
 * that actually ran the handshake (so a dashboard shows BoringSSL is in use, not just configured), and
 * {@code engawa_tls_provider{provider}} = 1 for the provider new contexts are built with. Thread-safe; the
 * per-handshake path is a map lookup.
 */
public final class TlsMetrics {
    private final MeterRegistry meters;
    private final ConcurrentMap<String, Counter> handshakes = new ConcurrentHashMap<>();

    TlsMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void provider(TlsProvider provider) {
        Gauge.builder("engawa.tls.provider", () -> 1).tag("provider", provider.name())
                .description("the TLS implementation new handshakes use").register(meters);
    }

    /** Counts one handshake; {@code protocol} is {@code TLSv1.3} and so on, or {@code none} when it failed early. */
    void handshake(String provider, String protocol, boolean ok) {
        String key = provider + '|' + protocol + '|' + ok;
        handshakes.computeIfAbsent(key, k -> Counter.builder("engawa.tls.handshakes")
                .description("TLS handshakes on the https listener")
                .tag("provider", provider).tag("protocol", protocol).tag("result", ok ? "ok" : "failed")
                .register(meters)).increment();
    }
}
