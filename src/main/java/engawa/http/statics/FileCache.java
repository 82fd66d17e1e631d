package engawa.http.statics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What request paths named under the static roots, kept so that a hot file costs no system call to find:
 * the stat results, header values, which precompressed siblings exist, the bytes of small files and an
 * open descriptor for larger ones (nginx's {@code open_file_cache}). An entry is trusted for a second
 * (nginx's {@code open_file_cache_valid}), then the disk is asked again and unchanged parts are kept.
 * Missing paths are cached too.
 *
 * <p>One per process, in {@code Services}, shared by every static route of every config revision: entries
 * are keyed by the route's {@link FileResolver} (root, prefix, index, precompressed) and the request path,
 * so a reload that leaves a route alone keeps its entries warm, and memory and open files stay bounded
 * however many revisions come and go. Bounded by weight (entries, the bytes they hold, open files) with
 * Caffeine's W-TinyLFU, so a flood of distinct misses cannot push out the hot files; entries unused for a
 * minute go, closing their files (a deleted file's space is freed). Reads take no lock. Used from every
 * event loop.
 */
public final class FileCache implements AutoCloseable {
    /** How long what the disk said is trusted. */
    static final long VALID_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The bound: entries plus the bytes they hold plus a share per open file. */
    static final long MAX_WEIGHT = 64L * 1024 * 1024;
    /** Entries unused this long are dropped, closing their files. */
    static final Duration IDLE = Duration.ofSeconds(60);

    private record Key(FileResolver files, String path) {
    }

    private final long validNanos;
    private final Cache<Key, Lookup> entries;

    public FileCache() {
        this(VALID_NANOS, MAX_WEIGHT, IDLE);
    }

    FileCache(long validNanos, long maxWeight, Duration idle) {
        this.validNanos = validNanos;
        this.entries = Caffeine.newBuilder()
                .maximumWeight(maxWeight)
                .weigher((Key key, Lookup l) -> 64 + 2 * key.path().length() + l.weight())
                .expireAfterAccess(idle)
                .scheduler(Scheduler.systemScheduler())
                // Maintenance and removals are short; running them on the caller avoids a hop to the common pool.
                .executor(Runnable::run)
                .removalListener((Key key, Lookup l, RemovalCause cause) -> release(l))
                .build();
    }

    /** The lookup for request {@code path} of the route {@code files} resolves for, from memory while it is fresh. */
    Lookup get(FileResolver files, String path) {
        Key key = new Key(files, path);
        Lookup l = entries.getIfPresent(key);
        long now = System.nanoTime();
        if (l != null && now - l.checkedAt() < validNanos) {
            return l;
        }
        Lookup fresh = files.resolve(path, l, now);
        entries.put(key, fresh);
        return fresh;
    }

    /** Forgets a path: the file changed under a request that was about to send it. */
    void invalidate(FileResolver files, String path) {
        entries.invalidate(new Key(files, path));
    }

    /** Drops every entry, closing the files they hold. */
    @Override
    public void close() {
        entries.invalidateAll();
        entries.cleanUp();
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
