package engawa.testing;

import engawa.server.EngawaServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real Engawa started from a config string in a temporary folder (config, data and any files the test
 * writes beside it). Listeners should be on {@code 127.0.0.1:0}; {@link #port} tells where they landed.
 */
public final class TestServer implements AutoCloseable {
    private final Path dir;
    private final EngawaServer server;

    private TestServer(Path dir, EngawaServer server) {
        this.dir = dir;
        this.server = server;
    }

    /** A temporary folder for a test's files; {@link #start(Path, String)} serves a config written there. */
    public static Path newDir() {
        try {
            return Files.createTempDirectory("engawa-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static TestServer start(String yaml) {
        return start(newDir(), yaml);
    }

    public static TestServer start(Path dir, String yaml) {
        try {
            Path config = dir.resolve("engawa.yaml");
            Files.writeString(config, yaml);
            EngawaServer server = EngawaServer.start(new EngawaServer.Options(config, dir.resolve("data"), null, 2));
            return new TestServer(dir, server);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public EngawaServer server() {
        return server;
    }

    public Path dir() {
        return dir;
    }

    public int port(String role) {
        int p = server.port(role);
        if (p == 0) {
            throw new IllegalStateException("no " + role + " listener bound");
        }
        return p;
    }

    /** {@code http://127.0.0.1:PORT} of the http listener. */
    public String httpUrl() {
        return "http://127.0.0.1:" + port("http");
    }

    /** Writes a file under the test folder, creating parents. */
    public static Path write(Path dir, String relative, String content) {
        try {
            Path p = dir.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.writeString(p, content);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp folder is harmless.
        }
    }
}
