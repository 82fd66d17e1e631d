package engawa.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A request target split and normalized the way routing and static files need it: percent-decoded, dot
 * segments resolved, repeated slashes merged (as nginx does before matching locations). The raw target is
 * kept for the proxy, which forwards what the client sent.
 *
 * @param raw          the request target as received (origin form: path and query)
 * @param path         the normalized, decoded path; always starts with {@code /}
 * @param query        the raw query after {@code ?}, or null
 * @param encodedSlash true when the raw path held {@code %2F}: a static file request refuses it
 */
public record RequestPath(String raw, String path, String query, boolean encodedSlash) {

    /** A target that cannot be served: bad escapes, NUL, or {@code ..} above the root. */
    public static final class InvalidPathException extends IllegalArgumentException {
        public InvalidPathException(String message) {
            super(message);
        }
    }

    /**
     * Parses an origin-form ({@code /a/b?q}) or absolute-form ({@code http://host/a?q}) target; the caller
     * takes the host from the absolute form. {@code *} (OPTIONS) parses as path {@code *}.
     */
    public static RequestPath parse(String target) {
        String t = target;
        if (!t.startsWith("/")) {
            if (t.equals("*")) {
                return new RequestPath(t, "*", null, false);
            }
            int scheme = t.indexOf("://");
            if (scheme <= 0) {
                throw new InvalidPathException("request target must start with / or be an absolute URL");
            }
            int slash = t.indexOf('/', scheme + 3);
            int q = t.indexOf('?', scheme + 3);
            if (slash < 0 || (q >= 0 && q < slash)) {
                t = "/" + (q >= 0 ? t.substring(q) : "");
            } else {
                t = t.substring(slash);
            }
        }
        int hash = t.indexOf('#');
        if (hash >= 0) {
            throw new InvalidPathException("request target has a fragment");
        }
        int q = t.indexOf('?');
        String rawPath = q < 0 ? t : t.substring(0, q);
        String query = q < 0 ? null : t.substring(q + 1);
        if (isPlain(rawPath)) {
            return new RequestPath(t, rawPath, query, false);
        }
        boolean encodedSlash = containsIgnoreCase(rawPath, "%2f");
        String decoded = decode(rawPath);
        return new RequestPath(t, removeDotSegments(decoded), query, encodedSlash);
    }

    /** The host of an absolute-form target, or null. */
    public static String hostOfAbsolute(String target) {
        int scheme = target.indexOf("://");
        if (target.startsWith("/") || scheme <= 0) {
            return null;
        }
        int end = scheme + 3;
        while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
            end++;
        }
        String authority = target.substring(scheme + 3, end);
        int at = authority.lastIndexOf('@');
        return at >= 0 ? authority.substring(at + 1) : authority;
    }

    /** The path with the query appended, as sent upstream after normalization. */
    public String pathAndQuery() {
        return query == null ? path : path + "?" + query;
    }

    // Fast path: nothing to decode or normalize, the common case for real traffic.
    private static boolean isPlain(String p) {
        char prev = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '%' || c == '\\' || c < 0x21 || c >= 0x7f) {
                return false;
            }
            if (c == '/' && prev == '/') {
                return false;
            }
            if (c == '.' && prev == '/') {
                return false;
            }
            prev = c;
        }
        return true;
    }

    private static boolean containsIgnoreCase(String s, String part) {
        return s.toLowerCase(java.util.Locale.ROOT).contains(part);
    }

    private static String decode(String p) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(p.length());
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '%') {
                if (i + 2 >= p.length()) {
                    throw new InvalidPathException("incomplete percent-escape in path");
                }
                int hi = Character.digit(p.charAt(i + 1), 16);
                int lo = Character.digit(p.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new InvalidPathException("invalid percent-escape in path");
                }
                int b = (hi << 4) | lo;
                if (b == 0) {
                    throw new InvalidPathException("NUL in path");
                }
                out.write(b);
                i += 2;
            } else if (c < 0x20 || c == 0x7f) {
                throw new InvalidPathException("control character in path");
            } else {
                byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(bytes, 0, bytes.length);
            }
        }
        String s = out.toString(StandardCharsets.UTF_8);
        if (s.indexOf('\uFFFD') >= 0) {
            throw new InvalidPathException("path is not valid UTF-8");
        }
        return s;
    }

    /** RFC 3986 5.2.4 on a decoded path, merging repeated slashes; {@code ..} above the root is an error. */
    static String removeDotSegments(String p) {
        String[] parts = p.split("/", -1);
        String[] out = new String[parts.length];
        int n = 0;
        for (int i = 0; i < parts.length; i++) {
            String seg = parts[i];
            boolean lastSeg = i == parts.length - 1;
            if (seg.isEmpty() || seg.equals(".")) {
                if (lastSeg && i > 0) {
                    out[n++] = "";
                }
                continue;
            }
            if (seg.equals("..")) {
                if (n == 0) {
                    throw new InvalidPathException("path goes above the root");
                }
                n--;
                if (lastSeg) {
                    out[n++] = "";
                }
                continue;
            }
            out[n++] = seg;
        }
        StringBuilder b = new StringBuilder(p.length());
        for (int i = 0; i < n; i++) {
            b.append('/').append(out[i]);
        }
        return b.isEmpty() ? "/" : b.toString();
    }
}
