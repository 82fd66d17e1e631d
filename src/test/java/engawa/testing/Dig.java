package engawa.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real DNS clients users run, {@code dig} (BIND) and {@code kdig} (Knot), against a port on
 * 127.0.0.1, and returns what they print. Each run is bounded (its own timeout, then the process is killed).
 */
public final class Dig {

    private Dig() {
    }

    /** {@code dig @127.0.0.1 -p PORT ARGS...}, with short timeouts and no retries unless ARGS say otherwise. */
    public static String dig(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("dig", "@127.0.0.1", "-p", String.valueOf(port), "+time=3", "+tries=1"));
        cmd.addAll(Arrays.asList(args));
        return run(cmd);
    }

    /** {@code kdig @127.0.0.1 -p PORT ARGS...}. */
    public static String kdig(int port, String... args) {
        List<String> cmd = new ArrayList<>(List.of("kdig", "@127.0.0.1", "-p", String.valueOf(port), "+time=3", "+retry=0"));
        cmd.addAll(Arrays.asList(args));
        return run(cmd);
    }

    /** The lines {@code dig +short} prints. */
    public static List<String> digShort(int port, String name, String type) {
        return dig(port, "+short", name, type).lines().filter(l -> !l.isBlank()).toList();
    }

    public static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out;
            try (var in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(cmd + " did not finish in 30 s");
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
