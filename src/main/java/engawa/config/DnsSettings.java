package engawa.config;

import java.time.Duration;

/**
 * {@code dns:} settings of the DNS listener. {@code max_udp_payload} caps the EDNS(0) payload size a UDP
 * answer may use (default 1232 bytes, the DNS flag day 2020 value; 512 to 4096); {@code tcp_idle_timeout}
 * closes a TCP connection that sends nothing for that long (default 10s); {@code rate_limit} turns on
 * response rate limiting per client prefix (off by default).
 */
public record DnsSettings(int maxUdpPayload, Duration tcpIdleTimeout, RateLimit rateLimit) {

    /**
     * {@code dns.rate_limit:} UDP responses per second to one client prefix ({@code /24} IPv4 and
     * {@code /56} IPv6 by default). Over the limit, every {@code slip}-th response goes out truncated (TC,
     * so a real client retries over TCP, which is not limited) and the others are dropped; slip 0 drops all.
     */
    public record RateLimit(int responsesPerSecond, int slip, int ipv4Prefix, int ipv6Prefix) {
    }

    public static DnsSettings defaults() {
        return read(Node.root(null, new Problems(), java.nio.file.Path.of(".")));
    }

    static DnsSettings read(Node n) {
        n.keys("max_udp_payload", "tcp_idle_timeout", "rate_limit");
        int payload = (int) n.get("max_udp_payload").integer(1232, 512, 4096);
        Duration idle = n.get("tcp_idle_timeout").duration(Duration.ofSeconds(10));
        if (idle.isZero() || idle.isNegative()) {
            n.get("tcp_idle_timeout").error("must be more than 0");
            idle = Duration.ofSeconds(10);
        }
        Node rl = n.get("rate_limit");
        RateLimit rateLimit = null;
        if (rl.present() && rl.keys("responses_per_second", "slip", "ipv4_prefix", "ipv6_prefix")) {
            Node rps = rl.get("responses_per_second");
            if (!rps.present()) {
                rps.error("required: how many responses per second one client prefix gets");
            }
            rateLimit = new RateLimit(
                    (int) rps.integer(20, 1, 1_000_000),
                    (int) rl.get("slip").integer(2, 0, 10),
                    (int) rl.get("ipv4_prefix").integer(24, 8, 32),
                    (int) rl.get("ipv6_prefix").integer(56, 16, 128));
        }
        return new DnsSettings(payload, idle, rateLimit);
    }
}
