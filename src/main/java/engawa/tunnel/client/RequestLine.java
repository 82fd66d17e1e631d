package engawa.tunnel.client;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * What the client prints for each request it carried: when, what, the answer, how long it took and how
 * many bytes went back; {@code note} says what went wrong, if anything.
 */
public record RequestLine(Instant at, String method, String target, int status, long micros, long bytes, String note) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    /** {@code 12:00:01.123 GET /index.html 200 3.2ms 1.2KiB}. */
    public String format() {
        StringBuilder b = new StringBuilder(80);
        b.append(LocalTime.ofInstant(at, ZoneId.systemDefault()).format(TIME)).append(' ')
                .append(method).append(' ').append(target).append(' ')
                .append(status == 0 ? "---" : Integer.toString(status)).append(' ')
                .append(millis(micros)).append(' ').append(size(bytes));
        if (note != null) {
            b.append(" (").append(note).append(')');
        }
        return b.toString();
    }

    private static String millis(long micros) {
        return micros < 10_000 ? String.format("%.1fms", micros / 1000.0) : (micros / 1000) + "ms";
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
