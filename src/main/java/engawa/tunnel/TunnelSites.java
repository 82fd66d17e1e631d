package engawa.tunnel;

import engawa.config.SiteConfig;
import engawa.config.TunnelsConfig;
import engawa.http.Route;
import engawa.http.Site;
import engawa.snapshot.CompileContext;
import java.util.List;

/**
 * The tunnel domain as a site: {@code *.<tunnels.domain>} with one route whose handler finds the tunnel by
 * name in the live registry, and the {@code tunnels.tls} certificate. Being a wildcard, it yields to any
 * site that names a host exactly (or a longer wildcard), per the usual host rules.
 */
public final class TunnelSites {
    /** The synthetic site's name in logs; not a name a document can give a site. */
    public static final String SITE_NAME = "(tunnels)";

    private TunnelSites() {
    }

    /** The tunnel site of this snapshot, or null without {@code tunnels.domain}. */
    public static Site compile(CompileContext ctx) {
        TunnelsConfig t = ctx.config().tunnels();
        if (t == null || t.domain() == null) {
            return null;
        }
        String wildcard = "*." + t.domain();
        for (SiteConfig site : ctx.config().sites().values()) {
            int i = site.hosts().indexOf(wildcard);
            if (i >= 0) {
                ctx.problems().error("sites." + site.name() + ".hosts[" + i + "]", "\"" + wildcard
                        + "\" is where tunnels are served (tunnels.domain); give the site exact names instead");
            }
        }
        long maxBody = t.maxBody() > 0 ? t.maxBody() : Long.MAX_VALUE;
        var handler = new TunnelHttpHandler(ctx.services().tunnels(), t.domain());
        return new Site(SITE_NAME, List.of(wildcard), t.tls(), false, List.of(new Route("/", "tunnel", maxBody, handler)));
    }
}
