package engawa.http;

import engawa.config.EngawaConfig;
import engawa.config.RouteConfig;
import engawa.config.SiteConfig;
import engawa.config.UpstreamConfig;
import engawa.snapshot.CompileContext;
import engawa.tunnel.TunnelSites;
import java.util.ArrayList;
import java.util.List;

/** Compiles {@code sites:} into {@link HttpRouting}: each route's guards folded in front of its handler. */
public final class HttpRoutingCompiler {

    private HttpRoutingCompiler() {
    }

    public static HttpRouting compile(CompileContext ctx) {
        EngawaConfig config = ctx.config();
        List<Site> sites = new ArrayList<>();
        for (SiteConfig sc : config.sites().values()) {
            List<Route> routes = new ArrayList<>();
            for (RouteConfig rc : sc.routes()) {
                String at = "sites." + sc.name() + ".routes[" + rc.index() + "]";
                HttpHandler handler = HandlerFactory.create(ctx, at, rc);
                handler = Guards.wrap(ctx, at, sc.name(), rc, handler);
                routes.add(new Route(rc.path(), "routes[" + rc.index() + "]", maxBody(config, rc), handler));
            }
            sites.add(new Site(sc.name(), sc.hosts(), sc.tls(), sc.redirectHttps(), routes));
        }
        Site tunnels = TunnelSites.compile(ctx);
        if (tunnels != null) {
            sites.add(tunnels);
        }
        return new HttpRouting(sites);
    }

    /** A proxied or FastCGI route takes its upstream's max_body; everything else the edge-wide http.max_body. */
    private static long maxBody(EngawaConfig config, RouteConfig rc) {
        String upstream = switch (rc.handler()) {
            case RouteConfig.Proxy p -> p.upstream();
            case RouteConfig.FastCgi f -> f.upstream();
            default -> null;
        };
        UpstreamConfig u = upstream == null ? null : config.upstreams().get(upstream);
        return u != null ? u.maxBody() : config.http().maxBody();
    }
}
