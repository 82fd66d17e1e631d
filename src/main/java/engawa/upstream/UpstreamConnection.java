package engawa.upstream;

import io.netty.channel.Channel;

/**
 * A connection to one upstream server, on one event loop, kept alive between requests by its
 * {@link ConnectionPool}. Whoever acquired it owns it until {@link #release} (back to the pool, ready for
 * the next request) or {@link #close}. The protocol client installs its codec on first use and keeps its
 * per-connection state in the {@link #attachment}. Confined to the connection's event loop.
 */
public final class UpstreamConnection {
    private final Channel channel;
    private final ConnectionPool home;
    private int uses;
    private boolean leased;
    private Object attachment;

    UpstreamConnection(Channel channel, ConnectionPool home) {
        this.channel = channel;
        this.home = home;
    }

    public Channel channel() {
        return channel;
    }

    public UpstreamServer server() {
        return home.server();
    }

    /** True when an earlier request used this connection: a failure before any answer may mean it went stale. */
    public boolean reused() {
        return uses > 1;
    }

    /** The protocol client's state for this connection (its handler), null on a new connection. */
    @SuppressWarnings("unchecked")
    public <T> T attachment() {
        return (T) attachment;
    }

    public void attach(Object state) {
        this.attachment = state;
    }

    boolean leased() {
        return leased;
    }

    void lease() {
        leased = true;
        uses++;
    }

    /** Gives the connection back for reuse; call only when the exchange on it ended cleanly. */
    public void release() {
        if (leased) {
            leased = false;
            home.release(this);
        }
    }

    /** Closes the connection; it is not reused. */
    public void close() {
        leased = false;
        channel.close();
    }
}
