package engawa.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PostgreSQL server for a test: initdb into a temporary folder, started on a free loopback port
 * as the {@code postgres} user (the server refuses to run as root), trust authentication, stopped on
 * close. Needs Debian's postgresql package, which .ci/run installs.
 */
public final class PostgresServer implements AutoCloseable {
    private final Path dir;
    private final Path bin;
    private final int port;

    private PostgresServer(Path dir, Path bin, int port) {
        this.dir = dir;
        this.bin = bin;
        this.port = port;
    }

    public static PostgresServer start() {
        Path bin = findBin();
        try {
            Path dir = Files.createTempDirectory("engawa-pg-");
            run(List.of("chown", "postgres:postgres", dir.toString()));
            Path data = dir.resolve("data");
            asPostgres(bin.resolve("initdb"), "-D", data.toString(), "-A", "trust", "-U", "postgres", "--no-sync");
            int port = freePort();
            asPostgres(bin.resolve("pg_ctl"), "-D", data.toString(), "-l", dir.resolve("log").toString(), "-w", "-t", "60",
                    "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
            return new PostgresServer(dir, bin, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code jdbc:postgresql://127.0.0.1:PORT/postgres?user=postgres}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    @Override
    public void close() {
        asPostgres(bin.resolve("pg_ctl"), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop");
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A leftover temp folder is harmless.
        }
    }

    private static Path findBin() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin")).filter(b -> Files.isExecutable(b.resolve("initdb")))
                    .sorted().reduce((a, b) -> b)
                    .orElseThrow();
        } catch (IOException | java.util.NoSuchElementException e) {
            throw new IllegalStateException("PostgreSQL server binaries not found under /usr/lib/postgresql: apt-get install postgresql");
        }
    }

    private static void asPostgres(Path program, String... args) {
        List<String> cmd = new ArrayList<>(List.of("runuser", "-u", "postgres", "--", program.toString()));
        cmd.addAll(List.of(args));
        run(cmd);
    }

    private static void run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
