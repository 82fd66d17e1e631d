package engawa.dns;

import engawa.store.Store;
import java.util.Optional;

/**
 * SOA serials, kept by Engawa in the store: per zone, the serial and the digest of the content it was given
 * to. A zone whose content is unchanged keeps its serial; a changed zone gets the number of the revision
 * that changed it, which grows with every revision. Every node sharing the store therefore computes the
 * same serial for the same revision, and a restart keeps it. Blocking (the store): never on an event loop.
 */
public final class ZoneSerials {
    static final String NAMESPACE = "dns.zone-serials";

    /** A serial and the digest of the zone content it belongs to. */
    public record Stored(long serial, String digest) {
    }

    private ZoneSerials() {
    }

    public static Optional<Stored> read(Store store, String zone) {
        if (store == null) {
            return Optional.empty();
        }
        return store.value(NAMESPACE, zone).flatMap(v -> {
            int space = v.indexOf(' ');
            try {
                return Optional.of(new Stored(Long.parseLong(v.substring(0, space)), v.substring(space + 1)));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * The serial of a zone whose content has {@code digest}, served at {@code revision}: the stored serial
     * when the content is the one it was given to, else the revision number (0: not known yet).
     */
    public static long serialFor(Store store, String zone, String digest, long revision) {
        return read(store, zone).filter(s -> s.digest().equals(digest)).map(Stored::serial).orElse(revision);
    }

    /** Records the serial a node now serves, unless the store already holds a newer one. */
    static boolean write(Store store, String zone, long serial, String digest) {
        Optional<Stored> stored = read(store, zone);
        if (stored.isPresent() && (stored.get().serial() > serial
                || stored.get().serial() == serial && stored.get().digest().equals(digest))) {
            return false;
        }
        store.putValue(NAMESPACE, zone, serial + " " + digest);
        return true;
    }
}
