package engawa.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code engawa} command as a process of its own, a JVM like the one users run, on the tests' class path. */
public final class EngawaProcess {

    private EngawaProcess() {
    }

    /** A process builder for {@code engawa ARGS...}; the caller wires its output and environment. */
    public static ProcessBuilder command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        if (Runtime.version().feature() >= 24) {
            cmd.add("--sun-misc-unsafe-memory-access=allow");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "engawa.cli.Main"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    /** Starts {@code engawa ARGS...} with what it prints (stdout and stderr) going to {@code output}. */
    public static Process start(Path output, String... args) throws IOException {
        return command(args).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    /**
     * The port a {@code serve} process logged for a listener role ("serving revision N ... on {http=...:PORT,
     * ...}"), or 0 while it has not yet.
     */
    public static int servedPort(Path log, String role) {
        try {
            String text = Files.exists(log) ? Files.readString(log) : "";
            Matcher m = Pattern.compile("serving revision \\d+ .* on \\{(?:[^}]*, )?" + role + "=[^,}]*:(\\d+)").matcher(text);
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
