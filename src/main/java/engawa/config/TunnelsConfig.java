package engawa.config;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code tunnels:} tunnel NAME is served at NAME.{@code domain} with the certificate {@code tls}; clients
 * authenticate with a token known by its SHA-256, and may claim only names its {@code names} patterns allow.
 */
public record TunnelsConfig(String domain, String tls, List<TokenConfig> tokens) {

    static TunnelsConfig read(Node n) {
        if (!n.present()) {
            return null;
        }
        n.keys("domain", "tls", "tokens");
        Node d = n.get("domain");
        String domain = d.text();
        if (domain != null && !Names.isHostName(Names.stripDot(domain))) {
            d.error("\"" + domain + "\" is not a domain name");
        }
        List<TokenConfig> tokens = new ArrayList<>();
        for (Node t : n.get("tokens").list()) {
            TokenConfig token = TokenConfig.read(t, true);
            for (String pattern : token.names()) {
                if (!pattern.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?(-\\*)?|\\*|[a-z0-9-]*\\*")) {
                    t.get("names").error("\"" + pattern + "\" is not a tunnel name or a pattern such as pr-*");
                }
            }
            tokens.add(token);
        }
        return new TunnelsConfig(domain == null ? null : Names.normalize(domain), n.get("tls").text(null), List.copyOf(tokens));
    }
}
