package engawa.upstream;

/** Told on the requesting event loop when a connection to the chosen server is ready or cannot be had. */
public interface ConnectionCallback {

    /** The connection is the caller's until it releases or closes it. May be called before acquire returns. */
    void connected(UpstreamConnection connection);

    /** Connecting failed: refused, timed out, unresolvable, or the TLS handshake failed. */
    void connectFailed(Throwable cause);
}
