package engawa.http.fastcgi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PHP scripts the FastCGI tests run (test resources {@code engawa/http/fastcgi/www}), copied under a
 * test folder, and curl to talk to the edge as users do.
 */
final class PhpSite {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PhpSite() {
    }

    /** Copies the scripts to {@code dir/www} and returns that root. */
    static Path copyTo(Path dir) {
        try {
            Path from = Path.of(PhpSite.class.getResource("www").toURI());
            Path root = dir.resolve("www");
            try (Stream<Path> files = Files.walk(from)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Path to = root.resolve(from.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(p, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What curl printed (stdout), its errors and exit code; with {@code -i}, the head is split off. */
    record Run(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }

        /** The status of the last response head printed with {@code -i} or {@code -D -}. */
        int status() {
            String t = text();
            int at = t.lastIndexOf("HTTP/");
            return Integer.parseInt(t.substring(at).split(" ")[1].strip());
        }

        /** The body after the last head printed with {@code -i}. */
        String body() {
            String t = text();
            int at = t.lastIndexOf("HTTP/");
            int end = t.indexOf("\r\n\r\n", at);
            return end < 0 ? "" : t.substring(end + 4);
        }

        /** Every value of header {@code name} in the last head, in order. */
        List<String> headers(String name) {
            String t = text();
            int at = t.lastIndexOf("HTTP/");
            int end = t.indexOf("\r\n\r\n", at);
            List<String> out = new ArrayList<>();
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            for (String line : t.substring(at, end < 0 ? t.length() : end).split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    out.add(line.substring(prefix.length()).strip());
                }
            }
            return out;
        }

        String header(String name) {
            List<String> all = headers(name);
            return all.isEmpty() ? null : all.get(0);
        }

        JsonNode json() {
            return PhpSite.json(body().isEmpty() ? text() : body());
        }
    }

    static Run curl(Path dir, String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60"));
        cmd.addAll(List.of(args));
        try {
            Path err = Files.createTempFile(dir, "curl", ".err");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(90, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("curl did not finish: " + cmd);
            }
            String errors = Files.readString(err);
            Files.delete(err);
            return new Run(p.exitValue(), out, errors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text, e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes big.php streams: {@code mib} MiB of its 64 KiB pattern. */
    static byte[] bigBody(int mib) {
        byte[] block = new byte[65536];
        for (int i = 0; i < block.length; i++) {
            block[i] = (byte) ((i * 31 + 7) & 0xff);
        }
        byte[] out = new byte[mib << 20];
        for (int i = 0; i < out.length; i += block.length) {
            System.arraycopy(block, 0, out, i, block.length);
        }
        return out;
    }
}
