package engawa.net;

import engawa.config.BindAddress;

/**
 * A bound socket of one role ({@code http}, {@code https}, {@code dns}, {@code tunnel}, {@code admin}).
 * Listeners outlive snapshots: a reload that keeps an address keeps its listener, so the port never closes.
 */
public interface Listener extends AutoCloseable {

    String role();

    BindAddress address();

    /** The port actually bound (differs from the configured one when that was 0). */
    int port();

    /** Stops accepting; connections already accepted carry on until drained. */
    @Override
    void close();
}
