package engawa.tunnel;

/**
 * Why the edge refused a tunnel client, as a stable code for programs and a sentence for people. Thrown on
 * the edge while a handshake is judged; carried to the client in the {@link HelloReply}.
 */
public final class Refusal extends RuntimeException {
    /** The token is unknown. */
    public static final String BAD_TOKEN = "bad_token";
    /** The token may not claim that name. */
    public static final String NAME_NOT_ALLOWED = "name_not_allowed";
    /** Another token holds (or reserved) the name, or it is a tunnel of another kind. */
    public static final String NAME_TAKEN = "name_taken";
    /** This token holds the name, but a client of it has exclusive use (or wants it while others are on). */
    public static final String NAME_BUSY = "name_busy";
    /** A joining client's guards (basic auth, allow-list) differ from those of the clients already on. */
    public static final String FLAGS_MISMATCH = "flags_mismatch";
    /** The handshake could not be read: wrong magic, too large, not the expected JSON. */
    public static final String BAD_HANDSHAKE = "bad_handshake";
    /** This edge hands out no TCP ports, or none is free. */
    public static final String NO_TCP_PORT = "no_tcp_port";
    /** Too many clients on this token. */
    public static final String TOO_MANY = "too_many_clients";
    /** The edge is not serving tunnels right now (no tunnels: section). */
    public static final String UNAVAILABLE = "unavailable";

    /** The longest sentence a refusal carries. */
    public static final int MAX_MESSAGE = 300;

    private final String code;

    /**
     * The sentence may quote what a client sent (or, read by the client, what an edge sent): it is logged
     * and printed, so control characters are escaped and it is cut at {@link #MAX_MESSAGE} characters.
     */
    public Refusal(String code, String message) {
        super(printable(message), null, false, false);
        this.code = code;
    }

    private static String printable(String s) {
        if (s == null) {
            return "refused";
        }
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_MESSAGE + 8));
        for (int i = 0; i < s.length() && b.length() <= MAX_MESSAGE; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        if (b.length() <= MAX_MESSAGE) {
            return b.toString();
        }
        int cut = MAX_MESSAGE - 1;
        if (Character.isHighSurrogate(b.charAt(cut - 1))) {
            cut--;
        }
        return b.substring(0, cut) + '\u2026';
    }

    public String code() {
        return code;
    }

    /** Whether a client that was already online should keep trying: the condition may pass by itself. */
    public boolean transientForReconnect() {
        return code.equals(NAME_BUSY) || code.equals(NO_TCP_PORT) || code.equals(TOO_MANY) || code.equals(UNAVAILABLE);
    }
}
