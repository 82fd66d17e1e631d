package engawa.log;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;

/**
 * Formats access log lines, on the writer thread only (it caches the time of the current second):
 * <ul>
 *   <li>combined, nginx's {@code $remote_addr - $remote_user [$time_local] "$request" $status
 *       $body_bytes_sent "$http_referer" "$http_user_agent"}, escaping {@code "}, {@code \}, control and
 *       non-ASCII bytes as {@code \xHH} as nginx does;</li>
 *   <li>JSON, one object a line with the same fields plus {@code host}, {@code site}, {@code route} and
 *       {@code duration} (seconds), absent values as null.</li>
 * </ul>
 * Not thread-safe.
 */
final class AccessLineFormatter {
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final DateTimeFormatter ISO_SECOND = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private final ZoneId zone;
    private long cachedSecond = Long.MIN_VALUE;
    private String local;
    private String isoSecond;
    private String isoOffset;

    AccessLineFormatter(ZoneId zone) {
        this.zone = zone;
    }

    void append(AccessRecord r, StringBuilder out) {
        if (r.json()) {
            json(r, out);
        } else {
            combined(r, out);
        }
    }

    void combined(AccessRecord r, StringBuilder out) {
        tick(r.epochMillis());
        out.append(r.client().getHostAddress()).append(" - ");
        String user = remoteUser(r.basicAuth());
        if (user == null) {
            out.append('-');
        } else {
            escapeNginx(user, out);
        }
        out.append(" [").append(local).append("] \"");
        escapeNginx(r.method(), out);
        out.append(' ');
        escapeNginx(r.uri(), out);
        out.append(' ');
        escapeNginx(r.protocol(), out);
        out.append("\" ").append(r.status()).append(' ').append(r.bodyBytes()).append(" \"");
        escapeNginx(r.referer() == null ? "-" : r.referer(), out);
        out.append("\" \"");
        escapeNginx(r.userAgent() == null ? "-" : r.userAgent(), out);
        out.append('"');
    }

    void json(AccessRecord r, StringBuilder out) {
        tick(r.epochMillis());
        long millis = Math.floorMod(r.epochMillis(), 1000L);
        out.append("{\"time\":\"").append(isoSecond).append('.');
        pad(millis, 3, out);
        out.append(isoOffset).append('"');
        field("remote_addr", r.client().getHostAddress(), out);
        field("remote_user", remoteUser(r.basicAuth()), out);
        field("request", r.method() + " " + r.uri() + " " + r.protocol(), out);
        out.append(",\"status\":").append(r.status());
        out.append(",\"body_bytes_sent\":").append(r.bodyBytes());
        field("http_referer", r.referer(), out);
        field("http_user_agent", r.userAgent(), out);
        field("host", r.host(), out);
        field("site", r.site(), out);
        field("route", r.route(), out);
        long micros = Math.max(0, r.durationNanos() / 1000);
        out.append(",\"duration\":").append(micros / 1_000_000).append('.');
        pad(micros % 1_000_000, 6, out);
        out.append('}');
    }

    private void tick(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000L);
        if (second != cachedSecond) {
            ZonedDateTime t = Instant.ofEpochSecond(second).atZone(zone);
            local = LOCAL.format(t);
            isoSecond = ISO_SECOND.format(t);
            String offset = t.getOffset().getId();
            isoOffset = offset.equals("Z") ? "Z" : offset;
            cachedSecond = second;
        }
    }

    /** The user name of an HTTP Basic Authorization header, as nginx's {@code $remote_user}; null if none. */
    static String remoteUser(String basicAuth) {
        if (basicAuth == null || basicAuth.length() <= 6) {
            return null;
        }
        try {
            String pair = new String(Base64.getDecoder().decode(basicAuth.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            String user = colon < 0 ? pair : pair.substring(0, colon);
            return user.isEmpty() ? null : user;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static void field(String name, String value, StringBuilder out) {
        out.append(",\"").append(name).append("\":");
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c >= 0x7f) {
                out.append("\\u").append(HEX[c >> 12 & 0xF]).append(HEX[c >> 8 & 0xF]).append(HEX[c >> 4 & 0xF]).append(HEX[c & 0xF]);
            } else {
                out.append(c);
            }
        }
        out.append('"');
    }

    private static void escapeNginx(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x7f) {
                if (c > 0xff) {
                    // Not from the wire (headers are bytes); keep it readable as its UTF-8 bytes.
                    for (byte b : String.valueOf(c).getBytes(StandardCharsets.UTF_8)) {
                        out.append("\\x").append(HEX[b >> 4 & 0xF]).append(HEX[b & 0xF]);
                    }
                } else {
                    out.append("\\x").append(HEX[c >> 4]).append(HEX[c & 0xF]);
                }
            } else {
                out.append(c);
            }
        }
    }

    private static void pad(long value, int digits, StringBuilder out) {
        String s = Long.toString(value);
        for (int i = s.length(); i < digits; i++) {
            out.append('0');
        }
        out.append(s);
    }
}
