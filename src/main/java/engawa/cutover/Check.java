package engawa.cutover;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A check run against an instance's live listeners after a step ({@link Checker}). Each names the instance
 * ({@code server}) whose DNS, HTTPS or HTTP listener it talks to, at that instance's own address.
 */
public sealed interface Check {

    String server();

    /** How long to retry before the check counts as failed; null: the plan's {@code timeout}. */
    Duration timeout();

    String describe();

    /**
     * {@code dns: {server, name, type, expect}}: a real query to the instance's DNS listener. {@code expect}:
     * {@code present} (an authoritative answer of that type), {@code absent} (none), {@code referral} (a
     * delegation: not authoritative, NS in the authority section), {@code edge_of_site} (A/AAAA equal to the
     * {@code edge.addresses} of a plan instance whose site serves the name, or of {@code site}'s instance) or
     * {@code values} (the answer's values, as given).
     */
    record Dns(String server, String name, String type, String expect, List<String> values, String site, Duration timeout)
            implements Check {
        @Override
        public String describe() {
            return "dns " + name + " " + type + " on " + server + ": " + expect
                    + (values.isEmpty() ? "" : " " + values) + (site == null ? "" : " (site " + site + ")");
        }
    }

    /**
     * {@code tls: {server, host, expect: valid, ca}}: a handshake with SNI {@code host}; valid means the
     * certificate is within its dates, covers the host and chains to the instance's internal CA or to
     * {@code ca} (a PEM file).
     */
    record Tls(String server, String host, Path ca, Duration timeout) implements Check {
        @Override
        public String describe() {
            return "tls " + host + " on " + server + ": valid" + (ca == null ? "" : " (CA " + ca + ")");
        }
    }

    /**
     * {@code http: {server, url, expect_status, expect_body_contains, expect_header}}: a request for the URL
     * with its host as Host and SNI, sent to the instance's own address and its http or https listener.
     */
    record Http(String server, String url, int expectStatus, String expectBodyContains, Map<String, String> expectHeaders,
                Duration timeout) implements Check {
        @Override
        public String describe() {
            StringBuilder b = new StringBuilder("http " + url + " on " + server + ": " + expectStatus);
            if (expectBodyContains != null) {
                b.append(", body contains \"").append(expectBodyContains).append('"');
            }
            expectHeaders.forEach((k, v) -> b.append(", ").append(k).append(": ").append(v));
            return b.toString();
        }
    }
}
