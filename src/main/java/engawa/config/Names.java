package engawa.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Host names and IP literals as the document writes them. */
public final class Names {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private Names() {
    }

    /** Lower case, no trailing dot: the form hosts are matched in. */
    public static String normalize(String host) {
        return stripDot(host).toLowerCase(Locale.ROOT);
    }

    public static String stripDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** With a trailing dot, lower case: the form DNS names are kept in. */
    public static String absolute(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n : n + ".";
    }

    /** A host name (without trailing dot), each label a letter-digit-hyphen label; underscores allowed for DNS use. */
    public static boolean isHostName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        if (n.isEmpty() || n.length() > 253) {
            return false;
        }
        for (String label : n.split("\\.", -1)) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }

    /** A site host: a host name, or a wildcard {@code *.suffix}. */
    public static boolean isSiteHost(String host) {
        String h = stripDot(host);
        return h.startsWith("*.") ? isHostName(h.substring(2)) : isHostName(h);
    }

    public static boolean isIpLiteral(String s) {
        if (IPV4.matcher(s).matches()) {
            for (String part : s.split("\\.")) {
                if (Integer.parseInt(part) > 255) {
                    return false;
                }
            }
            return true;
        }
        return s.contains(":") && s.matches("[0-9a-fA-F:.]+") && parses(s);
    }

    /** An IP literal as an address, without any name lookup. Call only after {@link #isIpLiteral}. */
    public static InetAddress ipLiteral(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static boolean parses(String s) {
        try {
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Whether a certificate or site pattern ({@code www.example.test} or {@code *.example.test}) covers a
     * host. A wildcard covers exactly one label, as in RFC 6125; a wildcard host is covered only by the
     * same wildcard.
     */
    public static boolean covers(String pattern, String host) {
        String p = normalize(pattern);
        String h = normalize(host);
        if (p.equals(h)) {
            return true;
        }
        if (p.startsWith("*.") && !h.startsWith("*.")) {
            int dot = h.indexOf('.');
            return dot > 0 && h.substring(dot + 1).equals(p.substring(2));
        }
        return false;
    }
}
