package engawa.tls;

import engawa.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;

/**
 * Long-lived TLS state that successive snapshots share (one per process, in {@code Services}): the TLS
 * provider, the issuers and the certificates they issued (kept in the store, namespace {@value #ISSUED},
 * one PEM value per certificate name), and the TLS contexts built for certificates, so that a reload
 * which keeps a certificate keeps its context and with it the session cache of resuming clients.
 *
 * <p>A read-only instance (no store, or a dry compile) never writes: it issues nothing and builds no
 * context. Blocking (store, key generation): call from compile or admin threads, never an event loop.
 * Thread-safe.
 */
public final class Certificates {
    /** Store namespace of issued certificates: key = certificate name, value = chain and key as PEM. */
    public static final String ISSUED = "tls.issued";
    private static final int CONTEXT_CACHE = 256;

    private final Store store;
    private final boolean writable;
    private final TlsMetrics metrics;
    private final Map<String, CertificateIssuer> issuers;
    private final ReentrantLock issuing = new ReentrantLock();
    private final Map<String, SslContext> contexts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, SslContext> eldest) {
            return size() > CONTEXT_CACHE;
        }
    };
    private volatile TlsProvider provider;

    /**
     * @param store    where issued certificates and the internal CA live; null for none
     * @param writable false for dry compiles ({@code engawa check}): nothing is issued, stored or built
     */
    public Certificates(Store store, boolean writable, MeterRegistry meters) {
        this.store = store;
        this.writable = writable && store != null;
        this.metrics = new TlsMetrics(meters);
        this.issuers = store == null ? Map.of() : Map.of(InternalIssuer.NAME, new InternalIssuer(store));
    }

    /** Whether this instance may issue certificates and build TLS contexts (a live server, not a dry compile). */
    public boolean writable() {
        return writable;
    }

    public TlsMetrics metrics() {
        return metrics;
    }

    /** The provider, detected (and logged) on first use. */
    public TlsProvider provider() {
        TlsProvider p = provider;
        if (p == null) {
            synchronized (this) {
                p = provider;
                if (p == null) {
                    p = TlsProvider.detect();
                    metrics.provider(p);
                    provider = p;
                }
            }
        }
        return p;
    }

    /** The issuer a config names ({@code internal}); empty when this build or store has none by that name. */
    public Optional<CertificateIssuer> issuer(String name) {
        return Optional.ofNullable(issuers.get(name));
    }

    /** The internal CA's issuer; throws when there is no store to keep the CA in. */
    public InternalIssuer internal() {
        return (InternalIssuer) issuer(InternalIssuer.NAME)
                .orElseThrow(() -> new IllegalStateException("the internal CA needs a store"));
    }

    /**
     * The certificate named {@code name} from {@code issuer} for exactly {@code hosts}: the one kept in the
     * store when it covers the same host set and is {@linkplain CertificateIssuer#stillGood still good},
     * otherwise a new one, stored before it is returned.
     */
    public CertifiedKey obtain(String name, String issuer, Collection<String> hosts) {
        CertificateIssuer by = requireIssuer(issuer);
        List<String> wanted = List.copyOf(new TreeSet<>(hosts));
        issuing.lock();
        try {
            Optional<CertifiedKey> kept = stored(name);
            if (kept.isPresent() && new TreeSet<>(kept.get().dnsNames()).equals(new TreeSet<>(wanted))
                    && by.stillGood(kept.get())) {
                return kept.get();
            }
            return issueLocked(name, by, wanted);
        } finally {
            issuing.unlock();
        }
    }

    /**
     * Issues a new certificate named {@code name} for {@code hosts} and stores it, replacing any earlier
     * one; a later revision whose sites use that name for the same hosts serves it. The entry point for
     * the cutover step that issues a certificate ahead of moving a host.
     */
    public CertifiedKey issue(String name, String issuer, Collection<String> hosts) {
        CertificateIssuer by = requireIssuer(issuer);
        issuing.lock();
        try {
            return issueLocked(name, by, List.copyOf(new TreeSet<>(hosts)));
        } finally {
            issuing.unlock();
        }
    }

    /** The certificate kept in the store under {@code name}, if any. */
    public Optional<CertifiedKey> stored(String name) {
        if (store == null) {
            return Optional.empty();
        }
        return store.value(ISSUED, name).map(pem -> CertifiedKey.fromPem(pem, "issued certificate \"" + name + "\" in the store"));
    }

    private CertifiedKey issueLocked(String name, CertificateIssuer by, List<String> hosts) {
        if (!writable) {
            throw new IllegalStateException("certificates are not issued by a dry run");
        }
        CertifiedKey fresh = by.issue(hosts);
        store.putValue(ISSUED, name, fresh.toPem());
        return fresh;
    }

    private CertificateIssuer requireIssuer(String issuer) {
        return issuer(issuer).orElseThrow(() -> new IllegalStateException(
                store == null ? "issuer \"" + issuer + "\" needs a store" : "no issuer named \"" + issuer + "\""));
    }

    /**
     * The server TLS context for {@code key}: the one built earlier for the same chain and key, or a new
     * one. Throws {@link SSLException} when the provider cannot use the key or chain.
     */
    public SslContext context(CertifiedKey key) throws SSLException {
        if (!writable) {
            throw new IllegalStateException("TLS contexts are not built by a dry run");
        }
        String fingerprint = key.fingerprint();
        synchronized (contexts) {
            SslContext c = contexts.get(fingerprint);
            if (c != null) {
                return c;
            }
        }
        SslContext built = provider().serverContext(key);
        synchronized (contexts) {
            SslContext raced = contexts.putIfAbsent(fingerprint, built);
            return raced != null ? raced : built;
        }
    }
}
