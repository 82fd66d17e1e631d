package engawa.http.statics;

/**
 * Picks a precompressed representation by Accept-Encoding (RFC 9110 12.5.3): the coding with the highest
 * q-value above 0 wins, ties going to the route's {@code precompressed} order; {@code *} stands for codings
 * not named; {@code x-gzip} is {@code gzip}. The file itself wins only when the client states a higher
 * preference for it ({@code identity;q=...} or {@code *;q=...}), or accepts none of the codings. No header:
 * the file itself. Scans the header in place without allocating; runs on the event loop.
 */
final class AcceptEncoding {
    private static final int ABSENT = -1;

    private AcceptEncoding() {
    }

    /** The index in {@code encoded} to serve, or -1 for the file itself. */
    static int choose(String header, Representation[] encoded) {
        if (header == null || encoded.length == 0) {
            return -1;
        }
        int star = quality(header, "*");
        int best = -1;
        int bestQ = 0;
        for (int i = 0; i < encoded.length; i++) {
            String coding = encoded[i].coding();
            int q = quality(header, coding);
            if (q == ABSENT && coding.equals("gzip")) {
                q = quality(header, "x-gzip");
            }
            if (q == ABSENT) {
                q = star == ABSENT ? 0 : star;
            }
            if (q > bestQ) {
                best = i;
                bestQ = q;
            }
        }
        if (best < 0) {
            return -1;
        }
        int identity = quality(header, "identity");
        if (identity == ABSENT) {
            identity = star;
        }
        return identity > bestQ ? -1 : best;
    }

    /** The q-value of {@code coding} in thousandths, {@link #ABSENT} when not named; a malformed q is 0. */
    static int quality(String h, String coding) {
        int n = h.length();
        int i = 0;
        while (i < n) {
            while (i < n && (h.charAt(i) == ' ' || h.charAt(i) == '\t' || h.charAt(i) == ',')) {
                i++;
            }
            int start = i;
            while (i < n && h.charAt(i) != ',' && h.charAt(i) != ';' && h.charAt(i) != ' ' && h.charAt(i) != '\t') {
                i++;
            }
            boolean named = i - start == coding.length() && h.regionMatches(true, start, coding, 0, coding.length());
            int q = 1000;
            // Parameters up to the next list member: only q matters.
            while (i < n && h.charAt(i) != ',') {
                char c = h.charAt(i);
                if (c == ';') {
                    int p = i + 1;
                    while (p < n && (h.charAt(p) == ' ' || h.charAt(p) == '\t')) {
                        p++;
                    }
                    if (p + 1 < n && (h.charAt(p) == 'q' || h.charAt(p) == 'Q') && h.charAt(p + 1) == '=') {
                        int end = p + 2;
                        while (end < n && h.charAt(end) != ',' && h.charAt(end) != ';') {
                            end++;
                        }
                        q = qvalue(h, p + 2, end);
                        i = end;
                        continue;
                    }
                }
                i++;
            }
            if (named && start < i) {
                return q;
            }
        }
        return ABSENT;
    }

    /** {@code 0}, {@code 0.5}, {@code 1.000} (RFC 9110 12.4.2) in thousandths; anything else is 0. */
    private static int qvalue(String h, int from, int to) {
        while (to > from && (h.charAt(to - 1) == ' ' || h.charAt(to - 1) == '\t')) {
            to--;
        }
        if (from >= to) {
            return 0;
        }
        char lead = h.charAt(from);
        if (lead != '0' && lead != '1') {
            return 0;
        }
        int value = (lead - '0') * 1000;
        if (from + 1 == to) {
            return value;
        }
        if (h.charAt(from + 1) != '.' || to - from - 2 > 3) {
            return 0;
        }
        int scale = 100;
        for (int k = from + 2; k < to; k++) {
            char c = h.charAt(k);
            if (c < '0' || c > '9') {
                return 0;
            }
            value += (c - '0') * scale;
            scale /= 10;
        }
        return Math.min(value, 1000);
    }
}
