package engawa.tunnel;

import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Tunnel names and the patterns a token's {@code names} list holds: a name is one DNS label (it becomes
 * NAME.domain); a pattern is a name, {@code *} (any name), or a prefix ending in {@code *} such as
 * {@code pr-*} (the prefix and at least one more character).
 */
public final class TunnelNames {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final char[] ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private TunnelNames() {
    }

    /** Lower case; null when {@code name} is not one DNS label. */
    public static String normalize(String name) {
        if (name == null) {
            return null;
        }
        String n = name.toLowerCase(Locale.ROOT);
        return LABEL.matcher(n).matches() ? n : null;
    }

    /** Whether one of {@code patterns} allows {@code name} (already normalized). */
    public static boolean allowed(List<String> patterns, String name) {
        for (String p : patterns) {
            if (matches(p, name)) {
                return true;
            }
        }
        return false;
    }

    static boolean matches(String pattern, String name) {
        if (pattern.endsWith("*")) {
            String prefix = pattern.substring(0, pattern.length() - 1);
            return name.length() > prefix.length() && name.startsWith(prefix);
        }
        return pattern.equals(name);
    }

    /**
     * A name for a client that asked for none: the first of the token's exact names that {@code free}
     * accepts, else a random one under its first wildcard pattern; null when neither exists.
     */
    public static String pick(List<String> patterns, Predicate<String> free) {
        for (String p : patterns) {
            if (!p.endsWith("*") && free.test(p)) {
                return p;
            }
        }
        for (String p : patterns) {
            if (p.endsWith("*")) {
                String prefix = p.substring(0, p.length() - 1);
                for (int attempt = 0; attempt < 8; attempt++) {
                    String n = prefix + random(8);
                    if (normalize(n) != null && free.test(n)) {
                        return n;
                    }
                }
            }
        }
        return null;
    }

    private static String random(int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(ALPHABET[RANDOM.nextInt(ALPHABET.length)]);
        }
        return b.toString();
    }
}
