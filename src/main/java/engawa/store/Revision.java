package engawa.store;

import engawa.config.ConfigDocument;
import java.time.Instant;

/** One numbered, immutable version of the config document. */
public record Revision(long id, Instant createdAt, String source, ConfigDocument document) {
}
