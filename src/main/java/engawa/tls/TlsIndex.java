package engawa.tls;

import io.netty.handler.ssl.SslContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The certificates of one snapshot, indexed for SNI: which TLS context answers a client hello naming a
 * host. Selection, in order: an exact name (a site's host, whose {@code tls} names its certificate, then a
 * certificate's own DNS names), then wildcards from the longest suffix down (again a site's before a
 * certificate's), then the default: the first certificate in the document, as nginx's default server.
 * An unknown name or none thus still completes the handshake, and the request then gets the 404 of an
 * unknown site. Immutable; read on event loops without locks.
 */
public final class TlsIndex {
    /** A snapshot without certificates. */
    public static final TlsIndex EMPTY = new TlsIndex(List.of(), Map.of(), Map.of(), null);

    /**
     * One certificate of the document as compiled: from PEM files, or issued and then read through its
     * {@link IssuedSlot}, which renewal may refresh under a running snapshot.
     *
     * @param key     null while not issued (a dry compile of {@code issuer: internal})
     * @param context null in a dry compile
     */
    public record Entry(String name, CertifiedKey key, SslContext context, IssuedSlot slot) {

        public Entry(String name, CertifiedKey key, SslContext context) {
            this(name, key, context, null);
        }

        static Entry issued(IssuedSlot slot) {
            return new Entry(slot.name(), null, null, slot);
        }

        @Override
        public CertifiedKey key() {
            return slot != null ? slot.key() : key;
        }

        @Override
        public SslContext context() {
            return slot != null ? slot.context() : context;
        }
    }

    private final List<Entry> entries;
    private final Map<String, Entry> exact;
    private final Map<String, Entry> wildcards;
    private final Entry fallback;

    TlsIndex(List<Entry> entries, Map<String, Entry> exact, Map<String, Entry> wildcards, Entry fallback) {
        this.entries = List.copyOf(entries);
        this.exact = Map.copyOf(exact);
        this.wildcards = Map.copyOf(wildcards);
        this.fallback = fallback;
    }

    /** Builds the lookup maps; {@code siteHosts} maps each site host to its certificate's name. */
    static TlsIndex of(List<Entry> entries, Map<String, String> siteHosts) {
        Map<String, Entry> byName = new HashMap<>();
        Map<String, Entry> exact = new HashMap<>();
        Map<String, Entry> wildcards = new HashMap<>();
        Entry fallback = null;
        for (Entry e : entries) {
            byName.put(e.name(), e);
            if (e.context() == null) {
                continue;
            }
            if (fallback == null) {
                fallback = e;
            }
            for (String name : e.key().dnsNames()) {
                (name.startsWith("*.") ? wildcards : exact).putIfAbsent(strip(name), e);
            }
        }
        // A site's choice beats whichever certificate happens to list the name too.
        siteHosts.forEach((host, certName) -> {
            Entry e = byName.get(certName);
            if (e != null && e.context() != null) {
                (host.startsWith("*.") ? wildcards : exact).put(strip(host), e);
            }
        });
        return new TlsIndex(entries, exact, wildcards, fallback);
    }

    private static String strip(String name) {
        return name.startsWith("*.") ? name.substring(2) : name;
    }

    /** Every certificate in document order. */
    public List<Entry> entries() {
        return entries;
    }

    public Entry entry(String name) {
        for (Entry e : entries) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        return null;
    }

    /**
     * The certificate for a client hello's server name ({@code null} when it sent none); the default when
     * nothing matches; null only when the snapshot has no certificate at all.
     */
    public Entry select(String serverName) {
        if (serverName != null && !serverName.isEmpty()) {
            String host = serverName.endsWith(".") ? serverName.substring(0, serverName.length() - 1) : serverName;
            Entry e = exact.get(host);
            if (e != null) {
                return e;
            }
            if (!wildcards.isEmpty()) {
                for (int dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) {
                    e = wildcards.get(host.substring(dot + 1));
                    if (e != null) {
                        return e;
                    }
                }
            }
        }
        return fallback;
    }

    /** The certificate served when the client names no host or one nothing matches; null when there is none. */
    public Entry fallback() {
        return fallback;
    }
}
