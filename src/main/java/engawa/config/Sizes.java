package engawa.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as the document writes them: {@code 512}, {@code 512KiB}, {@code 10MiB}, {@code 1GiB}, {@code 4kB}. */
public final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|kB|KB|MB|GB)?");

    private Sizes() {
    }

    public static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a size (examples: 512KiB, 10MiB, 1GiB)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        long factor = switch (unit) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "kB", "KB" -> 1000L;
            case "MB" -> 1000_000L;
            case "GB" -> 1000_000_000L;
            default -> 1L;
        };
        return Math.multiplyExact(n, factor);
    }
}
