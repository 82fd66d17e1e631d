package engawa.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real TLS clients users run (curl, openssl), started as processes with a deadline, output captured. */
final class TlsClients {

    private TlsClients() {
    }

    /** What a process printed (stdout and stderr together) and how it ended. */
    record Result(int exit, String output) {
    }

    /** Runs {@code command} with {@code stdin} as its input; kills it after 60 s. */
    static Result run(String stdin, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (var in = p.getOutputStream()) {
                in.write(stdin.getBytes(StandardCharsets.ISO_8859_1));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish within 60s");
            }
            reader.join(5000);
            return new Result(p.exitValue(), out.toString(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code curl -v} of {@code https://HOST:PORT/PATH} with HOST resolved to 127.0.0.1 and {@code ca}
     * trusted; {@code extra} adds options such as {@code --tlsv1.2}.
     */
    static Result curl(Path ca, String host, int port, String path, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-v", "--max-time", "30", "--cacert", ca.toString(),
                "--resolve", host + ":" + port + ":127.0.0.1", "-o", "/dev/null", "-w", "status=%{http_code}\\n"));
        cmd.addAll(List.of(extra));
        cmd.add("https://" + host + ":" + port + path);
        return run("", cmd.toArray(String[]::new));
    }

    /** {@code openssl s_client -brief}: protocol, peer certificate and verification of one handshake. */
    static Result sClient(int port, String serverName, Path ca, String... extra) {
        List<String> cmd = new ArrayList<>(List.of("openssl", "s_client", "-brief", "-connect", "127.0.0.1:" + port,
                "-CAfile", ca.toString()));
        if (serverName != null) {
            cmd.addAll(List.of("-servername", serverName));
        } else {
            cmd.add("-noservername");
        }
        cmd.addAll(List.of(extra));
        return run("", cmd.toArray(String[]::new));
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // The process went away; what was read is what it said.
        }
    }
}
