package engawa.http.statics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * What request paths named under one static root, kept so that a hot file costs no system call: the
 * stat results, header values, which precompressed siblings exist, and the bytes of small files. An
 * entry is trusted for {@code validNanos} (nginx's {@code open_file_cache_valid}, 1 s by default here),
 * then the disk is asked again and the entry kept when nothing changed. Missing paths are cached too.
 *
 * <p>Bounded by weight (entries plus the bytes they hold) with Caffeine's W-TinyLFU, so a flood of
 * distinct misses cannot push out the hot files. Reads take no lock; belongs to one compiled handler, so a
 * new config revision starts with an empty cache. Used from every event loop.
 */
final class FileCache {
    private final FileResolver resolver;
    private final long validNanos;
    private final Cache<String, Lookup> entries;

    FileCache(FileResolver resolver, long validNanos, long maxWeight) {
        this.resolver = resolver;
        this.validNanos = validNanos;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxWeight)
                .weigher((String key, Lookup l) -> 64 + 2 * key.length() + l.weight())
                // Maintenance is short; running it on the caller avoids a hop to the common pool.
                .executor(Runnable::run)
                .build();
    }

    /** The lookup for {@code key} (see {@link FileResolver#resolve}), from memory while it is fresh. */
    Lookup get(String key) {
        Lookup l = entries.getIfPresent(key);
        long now = System.nanoTime();
        if (l != null && now - l.checkedAt() < validNanos) {
            return l;
        }
        Lookup fresh = resolver.resolve(key, l, now);
        entries.put(key, fresh);
        return fresh;
    }

    /** Forgets {@code key}: the file changed under a request that was about to send it. */
    void invalidate(String key) {
        entries.invalidate(key);
    }
}
