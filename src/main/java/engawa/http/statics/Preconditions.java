package engawa.http.statics;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * Conditional requests (RFC 9110 section 13) against a representation's ETag and Last-Modified, in the
 * order section 13.2.2 gives: If-Match, else If-Unmodified-Since (412 when they fail); then If-None-Match,
 * which when present makes If-Modified-Since ignored (304 when it matches); then If-Range, which decides
 * whether a Range is honoured. Stateless; runs on the event loop.
 */
final class Preconditions {

    enum Outcome { PROCEED, NOT_MODIFIED, FAILED }

    private Preconditions() {
    }

    /** The outcome of a GET or HEAD carrying {@code headers} for {@code rep}. */
    static Outcome evaluate(HttpHeaders headers, Representation rep) {
        String ifMatch = headers.get(HttpHeaderNames.IF_MATCH);
        if (ifMatch != null) {
            if (!matches(ifMatch, rep.etag(), false)) {
                return Outcome.FAILED;
            }
        } else {
            String ius = headers.get(HttpHeaderNames.IF_UNMODIFIED_SINCE);
            if (ius != null) {
                long t = HttpDates.parseSeconds(ius);
                if (t >= 0 && rep.lastModifiedSeconds() > t) {
                    return Outcome.FAILED;
                }
            }
        }
        String ifNoneMatch = headers.get(HttpHeaderNames.IF_NONE_MATCH);
        if (ifNoneMatch != null) {
            return matches(ifNoneMatch, rep.etag(), true) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
        }
        String ims = headers.get(HttpHeaderNames.IF_MODIFIED_SINCE);
        if (ims != null && notModifiedSince(ims, rep)) {
            return Outcome.NOT_MODIFIED;
        }
        return Outcome.PROCEED;
    }

    private static boolean notModifiedSince(String ims, Representation rep) {
        // Clients mostly echo Last-Modified as it was sent: compare before parsing.
        if (rep.lastModified().contentEquals(ims)) {
            return true;
        }
        long t = HttpDates.parseSeconds(ims);
        // A date in the future is not a valid validator (RFC 9110 13.1.3).
        return t >= 0 && t <= System.currentTimeMillis() / 1000 && rep.lastModifiedSeconds() <= t;
    }

    /**
     * True when a Range may be honoured under {@code ifRange} (null: no If-Range): an entity-tag must match
     * strongly, a date must equal Last-Modified exactly (RFC 9110 13.1.5).
     */
    static boolean rangeAllowed(String ifRange, Representation rep) {
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.strip();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            return !v.startsWith("W/") && rep.etag().contentEquals(v);
        }
        long t = HttpDates.parseSeconds(v);
        return t >= 0 && t == rep.lastModifiedSeconds();
    }

    /**
     * True when the If-Match / If-None-Match list {@code header} holds {@code etag} or is {@code *}. Weak
     * comparison (If-None-Match) ignores {@code W/}; strong comparison (If-Match) never matches a weak tag.
     */
    static boolean matches(String header, AsciiString etag, boolean weak) {
        int n = header.length();
        int i = 0;
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t' || header.charAt(i) == ',')) {
                i++;
            }
            if (i >= n) {
                break;
            }
            if (header.charAt(i) == '*') {
                return true;
            }
            boolean weakTag = header.startsWith("W/", i);
            if (weakTag) {
                i += 2;
            }
            if (i >= n || header.charAt(i) != '"') {
                // Not an entity-tag: skip to the next list member.
                while (i < n && header.charAt(i) != ',') {
                    i++;
                }
                continue;
            }
            int end = header.indexOf('"', i + 1);
            if (end < 0) {
                return false;
            }
            int len = end + 1 - i;
            if ((weak || !weakTag) && len == etag.length() && sameChars(header, i, etag)) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    private static boolean sameChars(String s, int from, AsciiString expected) {
        for (int k = 0; k < expected.length(); k++) {
            if (s.charAt(from + k) != expected.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
