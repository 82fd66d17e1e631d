package engawa.tls;

import java.time.Instant;
import java.util.List;

/**
 * Something that issues server certificates on demand: {@code issuer: internal} (Engawa's local CA) today,
 * an ACME client later. Blocking (may take seconds, talk to the store or the network); call it from a
 * virtual thread, never from an event loop. Implementations are thread-safe.
 */
public interface CertificateIssuer {

    /** The name the config document uses for it ({@code issuer: internal}). */
    String name();

    /** A new certificate and key covering exactly {@code hosts} (exact names and {@code *.suffix} wildcards). */
    CertifiedKey issue(List<String> hosts);

    /**
     * Whether a certificate kept from an earlier {@link #issue} may still be served as this issuer's at
     * {@code now}: it chains to the issuer's current root and is not near its end (then it is issued anew).
     */
    boolean stillGood(CertifiedKey certificate, Instant now);
}
