package engawa.http.proxy;

import engawa.http.RequestPath;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The request target sent upstream. The path the client sent goes as is when it names the same thing the
 * router saw; when normalization changed it (dot segments, repeated slashes), the normalized path goes,
 * re-encoded, so an upstream never sees a path outside the route that matched. {@code strip_prefix}
 * removes the route's prefix ({@code /api/users} on route {@code /api/} becomes {@code /users}). The
 * query goes unchanged.
 */
final class ProxyTarget {

    private ProxyTarget() {
    }

    static String of(RequestPath p, String prefix, boolean stripPrefix) {
        if (p.path().equals("*")) {
            return "*";
        }
        String raw = p.raw();
        String rawPath = null;
        if (raw.startsWith("/")) {
            int q = raw.indexOf('?');
            rawPath = q < 0 ? raw : raw.substring(0, q);
        }
        String path;
        if (rawPath != null && (rawPath.equals(p.path()) || p.path().equals(decode(rawPath)))) {
            path = rawPath;
        } else {
            path = encode(p.path());
        }
        if (stripPrefix) {
            String base = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
            if (!path.startsWith(base)) {
                // The raw path spells the prefix with escapes: cut it from the normalized one.
                path = encode(p.path());
            }
            String rest = path.length() <= base.length() ? "" : path.substring(base.length());
            path = rest.startsWith("/") ? rest : "/" + rest;
        }
        return p.query() == null ? path : path + "?" + p.query();
    }

    /** Percent-decodes a path; null when it is not decodable (the caller then re-encodes). */
    static String decode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** Percent-encodes what a path segment may not hold as is (RFC 3986 pchar), keeping slashes. */
    static String encode(String path) {
        StringBuilder b = null;
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int c = bytes[i] & 0xff;
            boolean keep = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || "-._~!$&'()*+,;=:@/".indexOf(c) >= 0;
            if (keep && b == null) {
                continue;
            }
            if (b == null) {
                b = new StringBuilder(bytes.length + 16);
                b.append(new String(bytes, 0, i, StandardCharsets.UTF_8));
            }
            if (keep) {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            }
        }
        return b == null ? path : b.toString();
    }
}
