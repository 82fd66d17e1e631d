package engawa.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Runs the real curl, as users do, and splits what it printed (with {@code -i}) into status, headers and body. */
public final class Curl {

    public record Result(int status, List<String> headers, String body) {
        public String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).strip()).findFirst().orElse(null);
        }
    }

    private Curl() {
    }

    /** {@code curl -s -i --max-time 30 ARGS...}. */
    public static Result run(String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-i", "--max-time", "30"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(40, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("curl did not finish: " + cmd);
            }
            return parse(new String(out, StandardCharsets.UTF_8), cmd);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Result parse(String out, List<String> cmd) {
        int end = out.indexOf("\r\n\r\n");
        if (!out.startsWith("HTTP/") || end < 0) {
            throw new AssertionError("no HTTP response from " + cmd + ": " + out);
        }
        String[] lines = out.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        return new Result(status, List.of(lines).subList(1, lines.length), out.substring(end + 4));
    }
}
