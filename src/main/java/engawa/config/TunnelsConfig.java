package engawa.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tunnels:} tunnel NAME is served at NAME.{@code domain} with the certificate {@code tls}; clients
 * authenticate with a token known by its SHA-256, and may claim only names its {@code names} patterns allow.
 *
 * @param tcpPorts         public ports handed to {@code engawa tunnel tcp} clients; null: no TCP tunnels
 * @param grace            how long a name stays reserved for its token after its last client went away,
 *                         so a reconnecting client keeps it (default 60s)
 * @param handshakeTimeout time a new connection has to finish TLS and authenticate (default 10s)
 * @param keepalive        idle time after which the edge pings a client; a client silent for twice this is
 *                         disconnected (default 15s)
 * @param maxBody          largest request body forwarded through a tunnel, or 0 for no limit (default: no
 *                         limit, since bodies are streamed with back-pressure, never held)
 */
public record TunnelsConfig(String domain, String tls, List<TokenConfig> tokens, PortRange tcpPorts, Duration grace,
                            Duration handshakeTimeout, Duration keepalive, long maxBody) {

    private static final Pattern RANGE = Pattern.compile("(\\d{1,5})\\s*-\\s*(\\d{1,5})");

    /** An inclusive range of TCP ports, written {@code 20000-20099}. */
    public record PortRange(int first, int last) {
        public boolean contains(int port) {
            return port >= first && port <= last;
        }

        public int size() {
            return last - first + 1;
        }

        @Override
        public String toString() {
            return first + "-" + last;
        }
    }

    static TunnelsConfig read(Node n) {
        if (!n.present()) {
            return null;
        }
        n.keys("domain", "tls", "tokens", "tcp_ports", "grace", "handshake_timeout", "keepalive", "max_body");
        Node d = n.get("domain");
        String domain = d.text();
        if (domain != null && !Names.isHostName(Names.stripDot(domain))) {
            d.error("\"" + domain + "\" is not a domain name");
        }
        List<TokenConfig> tokens = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Node t : n.get("tokens").list()) {
            TokenConfig token = TokenConfig.read(t, true);
            for (String pattern : token.names()) {
                if (!pattern.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(-\\*)?|\\*|[a-z0-9-]*\\*")) {
                    t.get("names").error("\"" + pattern + "\" is not a tunnel name or a pattern such as pr-*");
                }
            }
            if (token.names().isEmpty() && t.present()) {
                t.get("names").error("a tunnel token needs the names it may claim, e.g. [demo, \"pr-*\"]");
            }
            String hex = java.util.HexFormat.of().formatHex(token.sha256());
            if (seen.contains(hex)) {
                t.get("sha256").error("the same token is listed twice");
            }
            seen.add(hex);
            tokens.add(token);
        }
        Duration grace = positive(n.get("grace"), Duration.ofSeconds(60));
        Duration handshake = positive(n.get("handshake_timeout"), Duration.ofSeconds(10));
        Duration keepalive = positive(n.get("keepalive"), Duration.ofSeconds(15));
        return new TunnelsConfig(domain == null ? null : Names.normalize(domain), n.get("tls").text(null), List.copyOf(tokens),
                portRange(n.get("tcp_ports")), grace, handshake, keepalive, n.get("max_body").size(0));
    }

    private static Duration positive(Node n, Duration defaultValue) {
        Duration d = n.duration(defaultValue);
        if (d.isZero() || d.isNegative()) {
            n.error("must be longer than 0");
            return defaultValue;
        }
        return d;
    }

    private static PortRange portRange(Node n) {
        String text = n.text(null);
        if (text == null) {
            return null;
        }
        Matcher m = RANGE.matcher(text.trim());
        if (!m.matches()) {
            n.error("\"" + text + "\" is not a port range such as 20000-20099");
            return null;
        }
        int first = Integer.parseInt(m.group(1));
        int last = Integer.parseInt(m.group(2));
        if (first < 1 || last > 65535 || first > last) {
            n.error("\"" + text + "\": ports are 1-65535 and the first is not above the last");
            return null;
        }
        return new PortRange(first, last);
    }
}
