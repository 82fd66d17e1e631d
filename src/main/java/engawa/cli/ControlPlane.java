package engawa.cli;

import engawa.config.ConfigDocument;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where config commands act: a running server's admin API, or the store directly when no server is
 * running (a running server follows its store within a second either way).
 */
interface ControlPlane extends AutoCloseable {

    record Current(long revision, ConfigDocument document) {
    }

    record RevisionInfo(long id, Instant createdAt, String source) {
    }

    record Applied(long revision, List<String> warnings) {
    }

    Optional<Current> current();

    /** Validates and stores a document as a new revision; throws {@code ConfigException} when invalid. */
    Applied apply(ConfigDocument document, String source);

    List<RevisionInfo> revisions(int limit);

    long rollback(long revision);

    String describe();

    @Override
    void close();
}
