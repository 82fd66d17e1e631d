package engawa.http;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Sites by host: an exact name beats a wildcard, and among wildcards the longest suffix wins
 * ({@code *.dev.example.test} before {@code *.example.test}); a wildcard matches any depth, as in nginx.
 * Immutable; part of the snapshot.
 */
public final class HttpRouting {
    private final Map<String, Site> exact;
    private final Map<String, Site> wildcards;
    private final Map<String, Site> byName;

    public HttpRouting(List<Site> sites) {
        Map<String, Site> e = new HashMap<>();
        Map<String, Site> w = new HashMap<>();
        Map<String, Site> n = new HashMap<>();
        for (Site s : sites) {
            n.put(s.name(), s);
            for (String h : s.hosts()) {
                if (h.startsWith("*.")) {
                    w.put(h.substring(2), s);
                } else {
                    e.put(h, s);
                }
            }
        }
        this.exact = Map.copyOf(e);
        this.wildcards = Map.copyOf(w);
        this.byName = Map.copyOf(n);
    }

    /** The site for a Host header value (port and trailing dot ignored, case-insensitive), or null. */
    public Site site(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        String host = hostOnly(hostHeader);
        Site s = exact.get(host);
        if (s != null) {
            return s;
        }
        host = host.toLowerCase(Locale.ROOT);
        s = exact.get(host);
        if (s != null || wildcards.isEmpty()) {
            return s;
        }
        for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
            s = wildcards.get(host.substring(dot + 1));
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    public Site siteNamed(String name) {
        return byName.get(name);
    }

    public java.util.Collection<Site> sites() {
        return byName.values();
    }

    /** {@code Example.test:8080.} becomes {@code Example.test}; IPv6 literals keep their brackets. */
    static String hostOnly(String hostHeader) {
        String h = hostHeader;
        int end = h.length();
        if (h.startsWith("[")) {
            int close = h.indexOf(']');
            return close > 0 ? h.substring(0, close + 1) : h;
        }
        int colon = h.indexOf(':');
        if (colon >= 0) {
            end = colon;
        }
        if (end > 0 && h.charAt(end - 1) == '.') {
            end--;
        }
        return end == h.length() ? h : h.substring(0, end);
    }
}
