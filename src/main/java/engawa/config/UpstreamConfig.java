package engawa.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code upstreams.NAME:} a pool of application servers, HTTP or FastCGI. */
public record UpstreamConfig(
        String name,
        Protocol protocol,
        Balance balance,
        String hashKey,
        List<Server> servers,
        HealthCheck healthCheck,
        Timeouts timeouts,
        int retries,
        long maxBody) {

    public enum Protocol { HTTP, FASTCGI }

    public enum Balance { ROUND_ROBIN, LEAST_CONN, RANDOM_TWO, HASH }

    /**
     * One server: {@code http://HOST:PORT}, {@code https://HOST:PORT} for HTTP; {@code tcp://HOST:PORT} or
     * {@code unix:/path.sock} for FastCGI.
     */
    public record Server(URI url, int weight) {
    }

    /** Active checks: a server is taken out after {@code fall} failures in a row, back after {@code rise} successes. */
    public record HealthCheck(String path, Duration interval, Duration timeout, int fall, int rise) {
    }

    public record Timeouts(Duration connect, Duration responseHeader, Duration idle) {
    }

    public static final long DEFAULT_MAX_BODY = 10L << 20;

    static UpstreamConfig read(String name, Node n) {
        n.keys("protocol", "balance", "hash_key", "servers", "health_check", "timeouts", "retries", "max_body");
        Protocol protocol = Protocol.valueOf(n.get("protocol").oneOf("http", "http", "fastcgi").toUpperCase());
        Balance balance = Balance.valueOf(
                n.get("balance").oneOf("round_robin", "round_robin", "least_conn", "random_two", "hash").toUpperCase());
        Node hashNode = n.get("hash_key");
        String hashKey = hashNode.text(null);
        if (hashKey != null && !hashKey.matches("(header|cookie):[!#$%&'*+.^_`|~0-9A-Za-z-]+|client_ip|uri")) {
            hashNode.error("\"" + hashKey + "\" is not header:NAME, cookie:NAME, client_ip or uri");
        }
        if (balance == Balance.HASH && hashKey == null) {
            hashKey = "client_ip";
        } else if (balance != Balance.HASH && hashKey != null) {
            hashNode.error("hash_key needs balance: hash");
        }
        List<Server> servers = new ArrayList<>();
        Node serversNode = n.get("servers");
        List<Node> serverNodes = serversNode.list();
        if (serverNodes.isEmpty()) {
            serversNode.error("an upstream needs at least one server");
        }
        for (Node s : serverNodes) {
            Server server = readServer(s, protocol);
            if (server != null) {
                servers.add(server);
            }
        }
        Node hc = n.get("health_check");
        HealthCheck healthCheck = null;
        if (hc.present() && hc.keys("path", "interval", "timeout", "fall", "rise")) {
            String path = hc.get("path").text("/");
            if (!path.startsWith("/")) {
                hc.get("path").error("must start with /");
            }
            healthCheck = new HealthCheck(path,
                    positive(hc.get("interval"), Duration.ofSeconds(5)),
                    positive(hc.get("timeout"), Duration.ofSeconds(2)),
                    (int) hc.get("fall").integer(3, 1, 100),
                    (int) hc.get("rise").integer(2, 1, 100));
        }
        Node t = n.get("timeouts");
        t.keys("connect", "response_header", "idle");
        Timeouts timeouts = new Timeouts(
                positive(t.get("connect"), Duration.ofSeconds(5)),
                positive(t.get("response_header"), Duration.ofSeconds(60)),
                positive(t.get("idle"), Duration.ofSeconds(60)));
        int retries = (int) n.get("retries").integer(1, 0, 10);
        long maxBody = n.get("max_body").size(DEFAULT_MAX_BODY);
        return new UpstreamConfig(name, protocol, balance, hashKey, List.copyOf(servers), healthCheck, timeouts, retries, maxBody);
    }

    private static Server readServer(Node s, Protocol protocol) {
        Node urlNode = s;
        int weight = 1;
        if (s.isObject()) {
            s.keys("url", "weight");
            urlNode = s.get("url");
            weight = (int) s.get("weight").integer(1, 1, 1000);
        }
        String url = urlNode.text();
        if (url == null) {
            return null;
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            urlNode.error("\"" + url + "\" is not a URL");
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        boolean ok = switch (protocol) {
            case HTTP -> (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
            case FASTCGI -> (scheme.equals("tcp") && uri.getHost() != null && uri.getPort() > 0)
                    || (scheme.equals("unix") && uri.getSchemeSpecificPart().startsWith("/"));
        };
        if (!ok) {
            urlNode.error("\"" + url + "\" is not a server URL for " + protocol.name().toLowerCase()
                    + (protocol == Protocol.HTTP ? " (http://HOST:PORT or https://HOST:PORT)" : " (tcp://HOST:PORT or unix:/PATH)"));
            return null;
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/") && protocol == Protocol.HTTP) {
            urlNode.error("a server URL has no path; give the path in the route");
            return null;
        }
        return new Server(uri, weight);
    }

    private static Duration positive(Node n, Duration def) {
        Duration d = n.duration(def);
        if (d.isZero() || d.isNegative()) {
            n.error("must be more than 0");
            return def;
        }
        return d;
    }
}
