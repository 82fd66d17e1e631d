package engawa.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private PHP-FPM (Debian's php-fpm8.2, which .ci/run installs) for a test: its own config, pid file,
 * error log and access log in a temporary folder, two pools of {@code workers} static workers, one
 * listening on a unix socket and one on a free loopback port, started in the foreground ({@code -F},
 * {@code -R} since CI runs as root, {@code -n}: no php.ini, so the machine's settings do not leak in) and
 * stopped by its PID. The access log has one line per request PHP-FPM ran: {@code METHOD REQUEST_URI STATUS}.
 */
public final class PhpFpm implements AutoCloseable {
    private final Path dir;
    private final int workers;
    private final int port;
    private Process process;

    private PhpFpm(Path dir, int workers, int port) {
        this.dir = dir;
        this.workers = workers;
        this.port = port;
    }

    /** Starts PHP-FPM with its files in {@code dir}. */
    public static PhpFpm start(Path dir, int workers) {
        try {
            Files.createDirectories(dir);
            PhpFpm fpm = new PhpFpm(dir, workers, freePort());
            fpm.start();
            return fpm;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code unix:/.../php.sock}, for an upstream's server list. */
    public String unixUrl() {
        return "unix:" + socket();
    }

    /** {@code tcp://127.0.0.1:PORT}. */
    public String tcpUrl() {
        return "tcp://127.0.0.1:" + port;
    }

    public Path socket() {
        return dir.resolve("php.sock");
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** What PHP-FPM logged about requests, one line each. */
    public List<String> accessLog() {
        try {
            Path log = dir.resolve("access.log");
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** PHP-FPM's own log (worker stderr, warnings). */
    public String errorLog() {
        try {
            Path log = dir.resolve("error.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts it again on the same socket and port after {@link #stop}. */
    public void start() {
        try {
            Files.writeString(dir.resolve("fpm.conf"), config());
            process = new ProcessBuilder(binary().toString(), "-n", "-R", "-F", "-y", dir.resolve("fpm.conf").toString())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("stdout.log").toFile())
                    .start();
            Process started = process;
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> {
                if (!started.isAlive()) {
                    throw new IllegalStateException("php-fpm exited with " + started.exitValue() + ":\n"
                            + Files.readString(dir.resolve("stdout.log")) + errorLog());
                }
                return ready();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops it (SIGTERM to its PID, then waits); its socket file goes with it. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private boolean ready() {
        if (!Files.exists(socket())) {
            return false;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String config() {
        String pool = """
                pm = static
                pm.max_children = %d
                access.log = %s
                access.format = "%%m %%{REQUEST_URI}e %%s"
                catch_workers_output = yes
                php_admin_value[post_max_size] = 64M
                php_admin_value[upload_max_filesize] = 64M
                php_admin_value[output_buffering] = 0
                php_admin_value[memory_limit] = 256M
                """.formatted(workers, dir.resolve("access.log"));
        return """
                [global]
                pid = %s
                error_log = %s
                daemonize = no
                [unix]
                listen = %s
                %s
                [tcp]
                listen = 127.0.0.1:%d
                %s
                """.formatted(dir.resolve("fpm.pid"), dir.resolve("error.log"), socket(), pool, port, pool);
    }

    private static Path binary() {
        for (String name : List.of("php-fpm8.2", "php-fpm")) {
            for (String bin : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin")) {
                Path p = Path.of(bin, name);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        try (Stream<Path> all = Files.list(Path.of("/usr/sbin"))) {
            return all.filter(p -> p.getFileName().toString().startsWith("php-fpm")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("php-fpm not found: apt-get install php-fpm"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A generous wait for things PHP-FPM does in its own time. */
    public static final Duration PATIENCE = Duration.ofSeconds(20);
}
