package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.config.Durations;

/** TTL values as documents write them: seconds, or a duration such as {@code 5m}. */
final class Ttls {
    private Ttls() {
    }

    static long seconds(JsonNode n) {
        if (n == null || n.isNull()) {
            return 0;
        }
        if (n.isNumber()) {
            return n.asLong();
        }
        try {
            return Durations.parse(n.asText()).toSeconds();
        } catch (RuntimeException e) {
            return n.asLong(0);
        }
    }
}
