package engawa.tls;

import engawa.store.Store;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.ssl.SslContext;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Long-lived TLS state that successive snapshots share (one per process, in {@code Services}): the TLS
 * provider, the issuers and the certificates they issued (kept in the store, namespace {@value #ISSUED},
 * one PEM value per certificate name), and the TLS contexts built for certificates, so that a reload
 * which keeps a certificate keeps its context and with it the session cache of resuming clients.
 *
 * <p>Issued certificates in use live in {@link IssuedSlot}s, checked every few hours and renewed in place
 * ahead of their end, so a server running with no new revision keeps valid certificates.
 *
 * <p>A read-only instance (no store, or a dry compile) never writes: it issues nothing and builds no
 * context. Blocking (store, key generation): call from compile or admin threads, never an event loop.
 * Thread-safe.
 */
public final class Certificates implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Certificates.class);
    /** Store namespace of issued certificates: key = certificate name, value = chain and key as PEM. */
    public static final String ISSUED = "tls.issued";
    private static final int CONTEXT_CACHE = 256;
    private static final Duration RENEWAL_CHECK = Duration.ofHours(6);

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
    /** Live slots by name, issuer and hosts; weak, so slots no snapshot uses any more go away. Guarded by {@link #issuing}. */
    private final Map<String, WeakReference<IssuedSlot>> slots = new HashMap<>();
    private Thread renewal;
    private volatile boolean closed;
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
        issuing.lock();
        try {
            return obtainLocked(name, by, sorted(hosts), Instant.now());
        } finally {
            issuing.unlock();
        }
    }

    private CertifiedKey obtainLocked(String name, CertificateIssuer by, List<String> wanted, Instant now) {
        Optional<CertifiedKey> kept = stored(name);
        if (kept.isPresent() && sorted(kept.get().dnsNames()).equals(wanted) && by.stillGood(kept.get(), now)) {
            return kept.get();
        }
        return issueLocked(name, by, wanted);
    }

    /**
     * The live slot presenting the certificate named {@code name} from {@code issuer} for exactly
     * {@code hosts}: the one earlier snapshots use when name and hosts are unchanged, else a new one with
     * the certificate {@linkplain #obtain obtained} and its TLS context built. Throws {@link SSLException}
     * when the provider cannot use the certificate.
     */
    public IssuedSlot slot(String name, String issuer, Collection<String> hosts) throws SSLException {
        CertificateIssuer by = requireIssuer(issuer);
        List<String> wanted = sorted(hosts);
        String id = name + '\n' + issuer + '\n' + String.join(",", wanted);
        issuing.lock();
        try {
            WeakReference<IssuedSlot> ref = slots.get(id);
            IssuedSlot live = ref == null ? null : ref.get();
            if (live != null && by.stillGood(live.key(), Instant.now())) {
                return live;
            }
            CertifiedKey key = obtainLocked(name, by, wanted, Instant.now());
            IssuedSlot.Current current = new IssuedSlot.Current(key, context(key));
            if (live != null) {
                live.replace(current);
                return live;
            }
            IssuedSlot created = new IssuedSlot(name, issuer, wanted, current);
            slots.put(id, new WeakReference<>(created));
            if (renewal == null) {
                renewal = Thread.ofVirtual().name("engawa-certificate-renewal").start(this::renewLoop);
            }
            return created;
        } finally {
            issuing.unlock();
        }
    }

    /**
     * Renews, in place, every live slot whose certificate is not {@linkplain CertificateIssuer#stillGood
     * good} at {@code now}; returns how many were renewed. One that fails is logged and tried again at the
     * next check.
     */
    int renewDue(Instant now) {
        issuing.lock();
        try {
            int renewed = 0;
            for (var it = slots.values().iterator(); it.hasNext(); ) {
                IssuedSlot slot = it.next().get();
                if (slot == null) {
                    it.remove();
                    continue;
                }
                CertificateIssuer by = requireIssuer(slot.issuer());
                if (by.stillGood(slot.key(), now)) {
                    continue;
                }
                try {
                    CertifiedKey key = obtainLocked(slot.name(), by, slot.hosts(), now);
                    slot.replace(new IssuedSlot.Current(key, context(key)));
                    renewed++;
                    LOG.info("certificate \"{}\" for {} renewed by issuer {}, valid until {}", slot.name(), slot.hosts(),
                            by.name(), key.notAfter());
                } catch (SSLException | RuntimeException e) {
                    LOG.warn("renewing certificate \"{}\" for {} failed (retried in {}): {}", slot.name(), slot.hosts(),
                            RENEWAL_CHECK, e.toString());
                }
            }
            return renewed;
        } finally {
            issuing.unlock();
        }
    }

    private void renewLoop() {
        while (!closed) {
            try {
                Thread.sleep(RENEWAL_CHECK);
                renewDue(Instant.now());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("certificate renewal check failed: {}", e.toString());
            }
        }
    }

    /** Stops the renewal checks. */
    @Override
    public void close() {
        closed = true;
        issuing.lock();
        try {
            if (renewal != null) {
                renewal.interrupt();
            }
        } finally {
            issuing.unlock();
        }
    }

    private static List<String> sorted(Collection<String> hosts) {
        return List.copyOf(new TreeSet<>(hosts));
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
            return issueLocked(name, by, sorted(hosts));
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
