package engawa.http.statics;

import java.util.Arrays;

/**
 * A parsed {@code Range: bytes=...} header against a representation of {@code size} bytes (RFC 9110
 * 14.1-14.2): the ranges to send, in request order, or a verdict. A unit other than {@code bytes} is
 * ignored (the whole file is sent); a malformed byte range or one that lies wholly past the end is
 * unsatisfiable (416, as nginx answers). Overlapping or adjacent ranges are merged into ascending order,
 * and more than {@value #MAX_RANGES} ranges are ignored, so that a request cannot make the server send a
 * file many times over.
 *
 * <p>{@code first} and {@code last} are inclusive byte positions, as in Content-Range.
 */
final class ByteRanges {
    static final int MAX_RANGES = 64;

    /** No usable Range: send the whole representation with 200. */
    static final ByteRanges IGNORED = new ByteRanges(new long[0], new long[0]);
    /** Nothing satisfiable: 416 with {@code Content-Range: bytes *}{@code /SIZE}. */
    static final ByteRanges UNSATISFIABLE = new ByteRanges(new long[0], new long[0]);

    private final long[] first;
    private final long[] last;

    private ByteRanges(long[] first, long[] last) {
        this.first = first;
        this.last = last;
    }

    int count() {
        return first.length;
    }

    long first(int i) {
        return first[i];
    }

    long last(int i) {
        return last[i];
    }

    long length(int i) {
        return last[i] - first[i] + 1;
    }

    static ByteRanges parse(String header, long size) {
        String h = header.strip();
        int eq = h.indexOf('=');
        if (eq < 0 || !h.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
            return IGNORED;
        }
        long[] first = new long[4];
        long[] last = new long[4];
        int n = 0;
        int specs = 0;
        int i = eq + 1;
        int len = h.length();
        while (i <= len) {
            int comma = h.indexOf(',', i);
            int end = comma < 0 ? len : comma;
            String spec = h.substring(i, end).strip();
            i = end + 1;
            if (spec.isEmpty()) {
                continue; // empty list members are allowed (RFC 9110 5.6.1)
            }
            if (++specs > MAX_RANGES) {
                return IGNORED;
            }
            int dash = spec.indexOf('-');
            if (dash < 0) {
                return UNSATISFIABLE;
            }
            long a;
            long b;
            if (dash == 0) {
                long suffix = number(spec, 1, spec.length());
                if (suffix < 0) {
                    return UNSATISFIABLE;
                }
                if (suffix == 0 || size == 0) {
                    continue;
                }
                a = Math.max(0, size - suffix);
                b = size - 1;
            } else {
                a = number(spec, 0, dash);
                if (a < 0) {
                    return UNSATISFIABLE;
                }
                if (dash == spec.length() - 1) {
                    b = Long.MAX_VALUE;
                } else {
                    b = number(spec, dash + 1, spec.length());
                    if (b < 0 || b < a) {
                        return UNSATISFIABLE;
                    }
                }
                if (a >= size) {
                    continue;
                }
                b = Math.min(b, size - 1);
            }
            if (n == first.length) {
                first = Arrays.copyOf(first, n * 2);
                last = Arrays.copyOf(last, n * 2);
            }
            first[n] = a;
            last[n] = b;
            n++;
        }
        if (n == 0) {
            return UNSATISFIABLE;
        }
        return coalesce(Arrays.copyOf(first, n), Arrays.copyOf(last, n));
    }

    /** Digits only, as RFC 9110 has them; -1 when empty or not digits. Saturates at Long.MAX_VALUE. */
    private static long number(String s, int from, int to) {
        if (from >= to) {
            return -1;
        }
        long v = 0;
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : v * 10 + (c - '0');
        }
        return v;
    }

    /** Keeps request order unless two ranges overlap or touch; then merges all into ascending order. */
    private static ByteRanges coalesce(long[] first, long[] last) {
        int n = first.length;
        boolean touching = false;
        for (int x = 0; x < n && !touching; x++) {
            for (int y = x + 1; y < n; y++) {
                if (first[x] <= last[y] + 1 && first[y] <= last[x] + 1) {
                    touching = true;
                    break;
                }
            }
        }
        if (!touching) {
            return new ByteRanges(first, last);
        }
        Integer[] order = new Integer[n];
        for (int k = 0; k < n; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (p, q) -> Long.compare(first[p], first[q]));
        long[] f = new long[n];
        long[] l = new long[n];
        int m = 0;
        for (int k : order) {
            if (m > 0 && first[k] <= l[m - 1] + 1) {
                l[m - 1] = Math.max(l[m - 1], last[k]);
            } else {
                f[m] = first[k];
                l[m] = last[k];
                m++;
            }
        }
        return new ByteRanges(Arrays.copyOf(f, m), Arrays.copyOf(l, m));
    }
}
