package engawa.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The reference examples (a copy of ../shared/examples kept in the repo): the config and cutover plan that must work as written. */
public final class Examples {

    private Examples() {
    }

    /** The repo's {@code examples/} folder. */
    public static Path dir() {
        Path p = Path.of("examples").toAbsolutePath().normalize();
        if (!Files.isRegularFile(p.resolve("engawa.yaml"))) {
            throw new IllegalStateException("examples/engawa.yaml not found under " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
