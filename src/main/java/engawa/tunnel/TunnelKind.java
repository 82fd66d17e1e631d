package engawa.tunnel;

import java.util.Locale;

/** What a tunnel carries: HTTP requests for NAME.domain, or raw TCP connections to a public port. */
public enum TunnelKind {
    HTTP, TCP;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind named {@code word} ({@code http} or {@code tcp}), or null. */
    public static TunnelKind of(String word) {
        for (TunnelKind k : values()) {
            if (k.word().equals(word)) {
                return k;
            }
        }
        return null;
    }
}
