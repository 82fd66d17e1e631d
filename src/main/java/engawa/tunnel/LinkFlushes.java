package engawa.tunnel;

import io.netty.channel.Channel;

/**
 * One flush of a link for many streams. Streams are written as other channels are read (public
 * connections on the edge, local connections on the client), and below the link's TLS every flush costs a
 * record and a write(2). A stream that writes the frame that ends its turn (request head, response end)
 * asks for a flush {@link #soon}: the link is flushed once, when its event loop is done with what it is
 * doing now, for every stream that asked meanwhile. On the link's event loop.
 */
public final class LinkFlushes {
    private final Channel link;
    private final Runnable flush;
    private boolean pending;

    public LinkFlushes(Channel link) {
        this.link = link;
        this.flush = () -> {
            pending = false;
            link.flush();
        };
    }

    /** Flushes the link after the event loop's current work; at most one flush is pending at a time. */
    public void soon() {
        if (!pending) {
            pending = true;
            link.eventLoop().execute(flush);
        }
    }
}
