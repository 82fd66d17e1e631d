package engawa.dns;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * DNS metrics: {@code engawa_dns_queries_total{zone,type,rcode}}, the {@code engawa_dns_latency_seconds}
 * histogram (time from parsing a query to its answer built, measured for one query in
 * {@value #LATENCY_SAMPLE} per event loop: two clock reads and a timer update cost more than answering does),
 * and {@code engawa_dns_dropped_total{reason}}. Counters are looked up in the registry once per (zone, type,
 * rcode) per snapshot and cached in an array on the {@link DnsIndex}, so a packet costs an array read and an
 * adder increment. Thread-safe.
 */
final class DnsMeters {
    /** One query in this many (a power of two) has its latency measured. */
    static final int LATENCY_SAMPLE = 16;

    static final int TYPES = 17;
    static final int RCODES = 8;
    private static final String[] TYPE_NAMES = {"A", "NS", "CNAME", "SOA", "PTR", "MX", "TXT", "AAAA", "SRV", "DS",
            "SVCB", "HTTPS", "CAA", "IXFR", "AXFR", "ANY", "other"};
    private static final String[] RCODE_NAMES = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED",
            "BADVERS", "other"};

    private final MeterRegistry registry;
    private final Timer latency;
    private final Counter droppedMalformed;
    private final Counter droppedRateLimit;
    private final Counter slipped;

    DnsMeters(MeterRegistry registry) {
        this.registry = registry;
        this.latency = Timer.builder("engawa.dns.latency")
                .description("time from parsing a DNS query to its answer built, for one query in " + LATENCY_SAMPLE)
                .serviceLevelObjectives(Duration.ofNanos(5_000), Duration.ofNanos(10_000), Duration.ofNanos(25_000),
                        Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000),
                        Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100))
                .register(registry);
        this.droppedMalformed = Counter.builder("engawa.dns.dropped").tag("reason", "malformed").register(registry);
        this.droppedRateLimit = Counter.builder("engawa.dns.dropped").tag("reason", "rate_limit").register(registry);
        this.slipped = Counter.builder("engawa.dns.truncated").tag("reason", "rate_limit").register(registry);
    }

    /** Counts an answer; records its latency when {@code startNanos} (from System.nanoTime) is not 0. */
    void answered(DnsIndex index, int zone, int qtype, int rcode, long startNanos) {
        int i = (zone * TYPES + typeIndex(qtype)) * RCODES + rcodeIndex(rcode);
        Counter c = index.counters[i];
        if (c == null) {
            // Benign race: the registry returns the same counter to every thread that asks.
            String zoneName = zone < index.zoneCount() ? index.zone(zone).name() : "none";
            c = Counter.builder("engawa.dns.queries")
                    .tag("zone", zoneName)
                    .tag("type", TYPE_NAMES[typeIndex(qtype)])
                    .tag("rcode", RCODE_NAMES[rcodeIndex(rcode)])
                    .register(registry);
            index.counters[i] = c;
        }
        c.increment();
        if (startNanos != 0) {
            latency.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    void droppedMalformed() {
        droppedMalformed.increment();
    }

    void droppedRateLimit() {
        droppedRateLimit.increment();
    }

    void slipped() {
        slipped.increment();
    }

    static int typeIndex(int qtype) {
        return switch (qtype) {
            case 1 -> 0;
            case 2 -> 1;
            case 5 -> 2;
            case 6 -> 3;
            case 12 -> 4;
            case 15 -> 5;
            case 16 -> 6;
            case 28 -> 7;
            case 33 -> 8;
            case 43 -> 9;
            case 64 -> 10;
            case 65 -> 11;
            case 257 -> 12;
            case 251 -> 13;
            case 252 -> 14;
            case 255 -> 15;
            default -> 16;
        };
    }

    static int rcodeIndex(int rcode) {
        return rcode >= 0 && rcode <= 5 ? rcode : rcode == 16 ? 6 : 7;
    }
}
