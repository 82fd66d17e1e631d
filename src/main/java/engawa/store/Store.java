package engawa.store;

import engawa.config.ConfigDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where Engawa keeps what must outlive a process: numbered config revisions, small named values (issued
 * certificates, the internal CA, cutover progress) and leases. Blocking: never call it on an event loop.
 * Thread-safe.
 */
public interface Store extends AutoCloseable {

    /**
     * Opens the store: {@code url} is a JDBC URL ({@code jdbc:postgresql://...}) or null for embedded SQLite
     * at {@code dataDir/engawa.db}.
     */
    static Store open(Path dataDir, String url) {
        if (url == null || url.isBlank()) {
            return JdbcStore.sqlite(dataDir.resolve("engawa.db"));
        }
        if (url.startsWith("jdbc:postgresql:") || url.startsWith("postgresql:") || url.startsWith("postgres:")) {
            return JdbcStore.postgres(url);
        }
        if (url.startsWith("jdbc:sqlite:")) {
            return JdbcStore.sqlite(Path.of(url.substring("jdbc:sqlite:".length())));
        }
        throw new IllegalArgumentException("--store: \"" + url + "\" is not a jdbc:postgresql:// or jdbc:sqlite: URL");
    }

    /** Stores a document as the next revision and returns it. */
    Revision append(ConfigDocument document, String source);

    Optional<Revision> latest();

    /** The newest revision's number, 0 when there is none: a cheap query for followers to poll. */
    long latestId();

    Optional<Revision> revision(long id);

    /** The newest {@code limit} revisions, newest first. */
    List<Revision> revisions(int limit);

    Optional<String> value(String namespace, String key);

    void putValue(String namespace, String key, String value);

    void deleteValue(String namespace, String key);

    Map<String, String> values(String namespace);

    /** Takes or renews lease {@code name} for {@code holder}; false when someone else holds it unexpired. */
    boolean tryLease(String name, String holder, Duration ttl);

    void releaseLease(String name, String holder);

    Optional<Lease> lease(String name);

    /** Where the store is, for messages: a file path or a URL without its password. */
    String describe();

    @Override
    void close();
}
