package engawa.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the store is: {@code --data DIR} (embedded SQLite) or {@code --store URL} (PostgreSQL). */
final class StoreOptions {
    @Option(names = "--data", paramLabel = "DIR", description = "data folder (default: ${DEFAULT-VALUE})",
            defaultValue = "engawa-data")
    Path data;

    @Option(names = "--store", paramLabel = "URL", description = "a jdbc:postgresql:// URL, to share config between nodes")
    String store;
}
