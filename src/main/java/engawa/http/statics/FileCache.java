package engawa.http.statics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import java.time.Duration;

/**
 * What request paths named under one static root, kept so that a hot file costs no system call to find:
 * the stat results, header values, which precompressed siblings exist, the bytes of small files and an
 * open descriptor for larger ones (nginx's {@code open_file_cache}). An entry is trusted for
 * {@code validNanos} (nginx's {@code open_file_cache_valid}), then the disk is asked again and unchanged
 * parts are kept. Missing paths are cached too.
 *
 * <p>Bounded by weight (entries, the bytes they hold, open files) with Caffeine's W-TinyLFU, so a flood
 * of distinct misses cannot push out the hot files; entries unused for {@code idle} go (closing their
 * files, so a deleted file's space is freed). Reads take no lock. Belongs to one compiled handler: a new
 * config revision starts with an empty cache (descriptors of an abandoned one close when they expire, or
 * at the latest when the garbage collector reclaims them). Used from every event loop.
 */
final class FileCache {
    private final FileResolver resolver;
    private final long validNanos;
    private final Cache<String, Lookup> entries;

    FileCache(FileResolver resolver, long validNanos, long maxWeight, Duration idle) {
        this.resolver = resolver;
        this.validNanos = validNanos;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxWeight)
                .weigher((String key, Lookup l) -> 64 + 2 * key.length() + l.weight())
                .expireAfterAccess(idle)
                .scheduler(Scheduler.systemScheduler())
                // Maintenance and removals are short; running them on the caller avoids a hop to the common pool.
                .executor(Runnable::run)
                .removalListener((String key, Lookup l, RemovalCause cause) -> release(l))
                .build();
    }

    /** The lookup for request path {@code key} (see {@link FileResolver#resolve}), from memory while it is fresh. */
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

    private static void release(Lookup l) {
        if (l instanceof Lookup.Found f) {
            release(f.identity());
            for (Representation r : f.encoded()) {
                release(r);
            }
        }
    }

    private static void release(Representation r) {
        if (r.file() != null) {
            r.file().release();
        }
    }
}
