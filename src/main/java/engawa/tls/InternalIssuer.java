package engawa.tls;

import engawa.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code issuer: internal}: certificates from the {@link InternalCa} kept in the store, valid a year and
 * issued anew when less than 30 days remain. The CA is loaded (or created) on first use. Blocking;
 * thread-safe.
 */
public final class InternalIssuer implements CertificateIssuer {
    public static final String NAME = "internal";
    static final Duration VALIDITY = Duration.ofDays(365);
    static final Duration RENEW_BEFORE = Duration.ofDays(30);

    private final Store store;
    private volatile InternalCa ca;

    public InternalIssuer(Store store) {
        this.store = store;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** The CA, created in the store on first use. */
    public InternalCa ca() {
        InternalCa c = ca;
        if (c == null) {
            synchronized (this) {
                c = ca;
                if (c == null) {
                    c = InternalCa.loadOrCreate(store);
                    ca = c;
                }
            }
        }
        return c;
    }

    @Override
    public CertifiedKey issue(List<String> hosts) {
        return ca().issue(hosts, VALIDITY);
    }

    @Override
    public boolean stillGood(CertifiedKey certificate, Instant now) {
        return ca().signed(certificate.leaf())
                && certificate.notAfter().isAfter(now.plus(RENEW_BEFORE))
                && certificate.keyMatchesLeaf();
    }
}
