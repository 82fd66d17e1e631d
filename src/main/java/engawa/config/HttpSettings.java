package engawa.config;

import java.time.Duration;

/**
 * {@code http:} limits every HTTP listener applies before any site is chosen. Defaults follow nginx's:
 * 8 KiB request line (414 over it), 16 KiB of headers (431), 10 MiB bodies (413), 10 s to send the
 * headers (408), 75 s idle keep-alive, and up to 30 s for requests in flight to finish on shutdown.
 */
public record HttpSettings(int maxRequestLine, int maxHeaderSize, long maxBody, Duration headerTimeout,
                           Duration idleTimeout, Duration drainTimeout) {

    public static HttpSettings defaults() {
        return read(Node.root(null, new Problems(), java.nio.file.Path.of(".")));
    }

    static HttpSettings read(Node n) {
        n.keys("max_request_line", "max_header_size", "max_body", "header_timeout", "idle_timeout", "drain_timeout");
        return new HttpSettings(
                (int) Math.min(n.get("max_request_line").size(8 << 10), 1 << 20),
                (int) Math.min(n.get("max_header_size").size(16 << 10), 1 << 20),
                n.get("max_body").size(10L << 20),
                n.get("header_timeout").duration(Duration.ofSeconds(10)),
                n.get("idle_timeout").duration(Duration.ofSeconds(75)),
                n.get("drain_timeout").duration(Duration.ofSeconds(30)));
    }
}
