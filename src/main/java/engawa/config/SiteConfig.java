package engawa.config;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code sites.NAME:} the hosts a site answers for (exact names and {@code *.suffix} wildcards), the
 * certificate it uses, and its routes, matched by longest path prefix.
 */
public record SiteConfig(String name, List<String> hosts, String tls, boolean redirectHttps, List<RouteConfig> routes) {

    static SiteConfig read(String name, Node n) {
        n.keys("hosts", "tls", "redirect_https", "routes");
        List<String> hosts = new ArrayList<>();
        List<Node> hostNodes = n.get("hosts").list();
        for (Node h : hostNodes) {
            String host = h.text();
            if (host == null) {
                continue;
            }
            if (!Names.isSiteHost(host)) {
                h.error("\"" + host + "\" is not a host name or a wildcard such as *.example.test");
                continue;
            }
            String normal = Names.normalize(host);
            if (hosts.contains(normal)) {
                h.error("\"" + host + "\" is listed twice");
                continue;
            }
            hosts.add(normal);
        }
        String tls = n.get("tls").text(null);
        boolean redirectHttps = n.get("redirect_https").bool(false);
        if (redirectHttps && tls == null) {
            n.get("redirect_https").error("needs tls: the site has no certificate to redirect to");
        }
        List<RouteConfig> routes = new ArrayList<>();
        List<Node> routeNodes = n.get("routes").list();
        for (int i = 0; i < routeNodes.size(); i++) {
            RouteConfig r = RouteConfig.read(i, routeNodes.get(i));
            if (r != null) {
                for (RouteConfig earlier : routes) {
                    if (earlier.path().equals(r.path())) {
                        routeNodes.get(i).get("path").error("path \"" + r.path() + "\" is already routed by routes[" + earlier.index() + "]");
                    }
                }
                routes.add(r);
            }
        }
        return new SiteConfig(name, List.copyOf(hosts), tls, redirectHttps, List.copyOf(routes));
    }
}
