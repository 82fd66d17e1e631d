package engawa.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sites.NAME.routes[i]:} a path prefix, exactly one handler (static, proxy, fastcgi, redirect), and
 * the guards in front of it (access rules, limits).
 */
public record RouteConfig(int index, String path, Handler handler, Access access, Limits limits) {

    /** What serves a route. */
    public sealed interface Handler permits Static, Proxy, FastCgi, Redirect {
    }

    /** Files under {@code root}; {@code precompressed} siblings (.br, .gz) chosen by Accept-Encoding. */
    public record Static(Path root, List<String> index, List<String> precompressed, String cacheControl) implements Handler {
    }

    /** Forward to an HTTP upstream pool. {@code stripPrefix} removes the route's path before forwarding. */
    public record Proxy(String upstream, boolean stripPrefix) implements Handler {
    }

    /** Run scripts under {@code root} through a FastCGI pool (PHP-FPM). */
    public record FastCgi(String upstream, Path root, String index) implements Handler {
    }

    /** Redirect to {@code to}; {@code {uri}} in it is replaced by the request's path and query. */
    public record Redirect(String to, int status) implements Handler {
    }

    /** Deny, then allow (when given), by client address; then basic auth against an htpasswd file (bcrypt). */
    public record Access(List<Cidr> allow, List<Cidr> deny, String realm, Path usersFile) {
        public boolean isEmpty() {
            return allow.isEmpty() && deny.isEmpty() && usersFile == null;
        }
    }

    /**
     * Per client address: {@code rate} requests per second with {@code burst}; per route: {@code concurrency}
     * requests in flight; over it, a FIFO {@code waitingRoom} page instead of 503.
     */
    public record Limits(double ratePerSecond, int burst, int concurrency, boolean waitingRoom) {
        public boolean isEmpty() {
            return ratePerSecond <= 0 && concurrency <= 0;
        }
    }

    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)/(s|m|h)");
    private static final List<String> ENCODINGS = List.of("br", "gzip", "zstd");

    static RouteConfig read(int index, Node n) {
        n.keys("path", "static", "proxy", "fastcgi", "redirect", "access", "limits");
        Node pathNode = n.get("path");
        String path = pathNode.text();
        if (path != null && (!path.startsWith("/") || path.contains("?") || path.contains("#"))) {
            pathNode.error("\"" + path + "\" is not a path prefix (it starts with / and has no query)");
        }
        List<Handler> handlers = new ArrayList<>();
        if (n.get("static").present()) {
            handlers.add(readStatic(n.get("static")));
        }
        if (n.get("proxy").present()) {
            handlers.add(readProxy(n.get("proxy")));
        }
        if (n.get("fastcgi").present()) {
            handlers.add(readFastCgi(n.get("fastcgi")));
        }
        if (n.get("redirect").present()) {
            handlers.add(readRedirect(n.get("redirect")));
        }
        if (handlers.size() != 1) {
            n.error(handlers.isEmpty()
                    ? "a route needs one handler: static, proxy, fastcgi or redirect"
                    : "a route has one handler, this one has " + handlers.size());
        }
        Access access = readAccess(n.get("access"));
        Limits limits = readLimits(n.get("limits"));
        if (path == null || handlers.size() != 1) {
            return null;
        }
        return new RouteConfig(index, path, handlers.get(0), access, limits);
    }

    private static Static readStatic(Node n) {
        n.keys("root", "index", "precompressed", "cache_control");
        Path root = n.get("root").file();
        List<String> index = n.get("index").present() ? n.get("index").strings() : List.of("index.html");
        for (String i : index) {
            if (i.contains("/") || i.equals("..") || i.isEmpty()) {
                n.get("index").error("\"" + i + "\" is not a file name");
            }
        }
        List<String> pre = new ArrayList<>();
        for (Node e : n.get("precompressed").list()) {
            String enc = e.text();
            if (enc != null && !ENCODINGS.contains(enc)) {
                e.error("\"" + enc + "\" is not one of: " + String.join(", ", ENCODINGS));
            } else if (enc != null) {
                pre.add(enc);
            }
        }
        return new Static(root, List.copyOf(index), List.copyOf(pre), n.get("cache_control").text(null));
    }

    private static Proxy readProxy(Node n) {
        if (n.isText()) {
            return new Proxy(n.text(), false);
        }
        n.keys("upstream", "strip_prefix");
        return new Proxy(n.get("upstream").text(), n.get("strip_prefix").bool(false));
    }

    private static FastCgi readFastCgi(Node n) {
        n.keys("upstream", "root", "index");
        return new FastCgi(n.get("upstream").text(), n.get("root").file(), n.get("index").text("index.php"));
    }

    private static Redirect readRedirect(Node n) {
        n.keys("to", "status");
        String to = n.get("to").text();
        Node statusNode = n.get("status");
        int status = (int) statusNode.integer(308, 300, 399);
        if (!List.of(301, 302, 303, 307, 308).contains(status)) {
            statusNode.error("a redirect status is one of 301, 302, 303, 307, 308");
        }
        return new Redirect(to, status);
    }

    private static Access readAccess(Node n) {
        if (!n.present()) {
            return new Access(List.of(), List.of(), null, null);
        }
        n.keys("allow", "deny", "basic_auth");
        List<Cidr> allow = cidrs(n.get("allow"));
        List<Cidr> deny = cidrs(n.get("deny"));
        Node auth = n.get("basic_auth");
        String realm = null;
        Path users = null;
        if (auth.present()) {
            auth.keys("realm", "users_file");
            realm = auth.get("realm").text("restricted");
            users = auth.get("users_file").file();
        }
        return new Access(allow, deny, realm, users);
    }

    private static List<Cidr> cidrs(Node n) {
        List<Cidr> out = new ArrayList<>();
        for (Node c : n.list()) {
            String s = c.text();
            if (s == null) {
                continue;
            }
            try {
                out.add(Cidr.parse(s));
            } catch (IllegalArgumentException e) {
                c.error(e.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static Limits readLimits(Node n) {
        if (!n.present()) {
            return new Limits(0, 0, 0, false);
        }
        n.keys("rate", "burst", "concurrency", "waiting_room");
        double rate = 0;
        Node rateNode = n.get("rate");
        String r = rateNode.text(null);
        if (r != null) {
            Matcher m = RATE.matcher(r.toLowerCase(Locale.ROOT));
            if (m.matches()) {
                double per = switch (m.group(2)) {
                    case "s" -> 1;
                    case "m" -> 60;
                    default -> 3600;
                };
                rate = Double.parseDouble(m.group(1)) / per;
            } else {
                rateNode.error("\"" + r + "\" is not a rate (examples: 100/s, 600/m)");
            }
        }
        int burst = (int) n.get("burst").integer(0, 0, 1_000_000);
        int concurrency = (int) n.get("concurrency").integer(0, 0, 10_000_000);
        boolean waitingRoom = n.get("waiting_room").bool(false);
        if (waitingRoom && concurrency == 0) {
            n.get("waiting_room").error("a waiting room needs concurrency: it queues requests over that limit");
        }
        return new Limits(rate, burst, concurrency, waitingRoom);
    }
}
