package engawa.upstream;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;
import java.util.List;

/**
 * The key {@code balance: hash} spreads by, from {@code hash_key}: {@code header:NAME} (the first value),
 * {@code cookie:NAME}, {@code client_ip} or {@code uri} (path and query as sent). A request without the
 * header or cookie falls back to its client address, so keyless clients still stick and spread rather
 * than all landing on one server. Immutable and thread-safe.
 */
public final class KeyHash {
    private enum Kind { HEADER, COOKIE, CLIENT_IP, URI }

    private final Kind kind;
    private final String name;

    private KeyHash(Kind kind, String name) {
        this.kind = kind;
        this.name = name;
    }

    /** Parses a validated {@code hash_key}; null gives null (the pool does not hash). */
    public static KeyHash parse(String spec) {
        if (spec == null) {
            return null;
        }
        if (spec.startsWith("header:")) {
            return new KeyHash(Kind.HEADER, spec.substring(7));
        }
        if (spec.startsWith("cookie:")) {
            return new KeyHash(Kind.COOKIE, spec.substring(7));
        }
        return switch (spec) {
            case "client_ip" -> new KeyHash(Kind.CLIENT_IP, null);
            case "uri" -> new KeyHash(Kind.URI, null);
            default -> throw new IllegalArgumentException("hash_key " + spec);
        };
    }

    /** The hash of this request's key. */
    public long hash(HttpRequest request, InetAddress client) {
        CharSequence key = switch (kind) {
            case HEADER -> request.headers().get(name);
            case COOKIE -> cookie(request, name);
            case URI -> request.uri();
            case CLIENT_IP -> null;
        };
        return key != null ? of(key) : of(client);
    }

    /** 64-bit FNV-1a over the chars, finished with a murmur3 mix so that near keys land far apart. */
    public static long of(CharSequence s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    static long of(InetAddress address) {
        long h = 0xcbf29ce484222325L;
        for (byte b : address.getAddress()) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }

    /** The value of cookie {@code name} in the request's Cookie header(s), or null. */
    static String cookie(HttpRequest request, String name) {
        List<String> headers = request.headers().getAll(HttpHeaderNames.COOKIE);
        for (String h : headers) {
            int i = 0;
            while (i < h.length()) {
                while (i < h.length() && (h.charAt(i) == ' ' || h.charAt(i) == ';')) {
                    i++;
                }
                int end = h.indexOf(';', i);
                if (end < 0) {
                    end = h.length();
                }
                int eq = h.indexOf('=', i);
                if (eq > 0 && eq < end && eq - i == name.length() && h.regionMatches(i, name, 0, name.length())) {
                    String v = h.substring(eq + 1, end).trim();
                    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
                }
                i = end + 1;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case HEADER -> "header:" + name;
            case COOKIE -> "cookie:" + name;
            case CLIENT_IP -> "client_ip";
            case URI -> "uri";
        };
    }
}
