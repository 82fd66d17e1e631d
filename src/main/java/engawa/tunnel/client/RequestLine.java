package engawa.tunnel.client;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

/**
 * What the client prints for each request it carried: when, what, the answer, how long it took and how
 * many bytes went back; {@code note} says what went wrong, if anything.
 */
public record RequestLine(Instant at, String method, String target, int status, long micros, long bytes, String note) {
    /** {@code 12:00:01.123 GET /index.html 200 3.2ms 1.2KiB}. */
    public String format() {
        StringBuilder b = new StringBuilder(80);
        // By hand, not with a DateTimeFormatter or String.format: a busy tunnel prints thousands a second.
        LocalTime t = LocalTime.ofInstant(at, ZoneId.systemDefault());
        two(b, t.getHour()).append(':');
        two(b, t.getMinute()).append(':');
        two(b, t.getSecond()).append('.');
        int ms = t.getNano() / 1_000_000;
        b.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10)).append(' ');
        b.append(method).append(' ').append(target).append(' ');
        if (status == 0) {
            b.append("---");
        } else {
            b.append(status);
        }
        b.append(' ');
        millis(b, micros).append(' ').append(size(bytes));
        if (note != null) {
            b.append(" (").append(note).append(')');
        }
        return b.toString();
    }

    private static StringBuilder two(StringBuilder b, int n) {
        return b.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }

    /** {@code 3.2ms} below 10 ms (rounded half up to a tenth), else whole milliseconds. */
    static StringBuilder millis(StringBuilder b, long micros) {
        if (micros >= 10_000) {
            return b.append(micros / 1000).append("ms");
        }
        long tenths = (Math.max(0, micros) + 50) / 100;
        return b.append(tenths / 10).append('.').append(tenths % 10).append("ms");
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + "B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1fKiB", bytes / 1024.0);
        }
        return String.format("%.1fMiB", bytes / (1024.0 * 1024));
    }
}
