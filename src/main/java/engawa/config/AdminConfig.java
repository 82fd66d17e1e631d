package engawa.config;

import java.util.ArrayList;
import java.util.List;

/** {@code admin:} bearer tokens for the admin API; with none, the admin listener must be on loopback. */
public record AdminConfig(List<TokenConfig> tokens) {

    static AdminConfig read(Node n) {
        n.keys("tokens");
        List<TokenConfig> tokens = new ArrayList<>();
        for (Node t : n.get("tokens").list()) {
            tokens.add(TokenConfig.read(t, false));
        }
        return new AdminConfig(List.copyOf(tokens));
    }
}
