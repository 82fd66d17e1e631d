package engawa.http.statics;

import io.netty.handler.codec.DateFormatter;
import io.netty.util.AsciiString;
import java.util.Date;

/**
 * HTTP dates (IMF-fixdate): the Date header of the current second, formatted once per second and shared
 * by every event loop, and parsing of the dates clients send in conditional requests.
 */
final class HttpDates {
    /** The current second and its formatted value, replaced together. */
    private record Stamp(long second, AsciiString value) {
    }

    private static volatile Stamp current = new Stamp(-1, AsciiString.EMPTY_STRING);

    private HttpDates() {
    }

    /** The Date header value for now. */
    static AsciiString now() {
        long millis = System.currentTimeMillis();
        long second = millis / 1000;
        Stamp s = current;
        if (s.second != second) {
            // Racing event loops may both format the same second; either result is right.
            s = new Stamp(second, format(second * 1000));
            current = s;
        }
        return s.value;
    }

    static AsciiString format(long epochMillis) {
        return new AsciiString(DateFormatter.format(new Date(epochMillis)));
    }

    /** Seconds since the epoch of an HTTP date in any of the three RFC 9110 formats, or -1 when it is not one. */
    static long parseSeconds(CharSequence value) {
        Date d = DateFormatter.parseHttpDate(value);
        return d == null ? -1 : Math.floorDiv(d.getTime(), 1000);
    }
}
