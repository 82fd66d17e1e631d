package engawa.http;

import java.util.Comparator;
import java.util.List;

/** A compiled site: name, hosts, certificate name, and routes ordered longest prefix first. */
public final class Site {
    private final String name;
    private final List<String> hosts;
    private final String tls;
    private final boolean redirectHttps;
    private final Route[] routes;

    public Site(String name, List<String> hosts, String tls, boolean redirectHttps, List<Route> routes) {
        this.name = name;
        this.hosts = List.copyOf(hosts);
        this.tls = tls;
        this.redirectHttps = redirectHttps;
        this.routes = routes.stream()
                .sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed())
                .toArray(Route[]::new);
    }

    public String name() {
        return name;
    }

    public List<String> hosts() {
        return hosts;
    }

    /** The certificate name, or null for a site served over plain HTTP only. */
    public String tls() {
        return tls;
    }

    public boolean redirectHttps() {
        return redirectHttps;
    }

    /** The route with the longest prefix matching {@code path}, or null. */
    public Route route(String path) {
        for (Route r : routes) {
            if (r.matches(path)) {
                return r;
            }
        }
        return null;
    }

    public List<Route> routes() {
        return List.of(routes);
    }
}
