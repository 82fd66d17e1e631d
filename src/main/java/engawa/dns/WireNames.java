package engawa.dns;

import java.util.Locale;

/** Domain names between the document's text form ({@code www.example.test.}) and uncompressed wire form. */
final class WireNames {

    private WireNames() {
    }

    /**
     * The lower-case wire form of an absolute name in the document's form: letters, digits, hyphens,
     * underscores and a leading {@code *} (the config validated that).
     */
    static byte[] toWire(String absolute) {
        String n = absolute.toLowerCase(Locale.ROOT);
        if (n.equals(".")) {
            return new byte[] {0};
        }
        byte[] out = new byte[n.length() + 1];
        int pos = 0;
        int start = 0;
        while (start < n.length()) {
            int dot = n.indexOf('.', start);
            if (dot < 0) {
                dot = n.length();
            }
            int len = dot - start;
            out[pos++] = (byte) len;
            for (int i = start; i < dot; i++) {
                out[pos++] = (byte) n.charAt(i);
            }
            start = dot + 1;
        }
        out[pos] = 0;
        return out;
    }

    /** The length of the uncompressed wire name at {@code off}. */
    static int length(byte[] wire, int off) {
        int p = off;
        while (wire[p] != 0) {
            p += (wire[p] & 0xff) + 1;
        }
        return p - off + 1;
    }

    /** The text form of a lower-case wire name, for messages and metrics. */
    static String toText(byte[] wire, int off) {
        StringBuilder sb = new StringBuilder();
        int p = off;
        while (wire[p] != 0) {
            int len = wire[p] & 0xff;
            for (int i = 1; i <= len; i++) {
                sb.append((char) (wire[p + i] & 0xff));
            }
            sb.append('.');
            p += len + 1;
        }
        return sb.isEmpty() ? "." : sb.toString();
    }

    static byte lower(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
    }
}
