package engawa.http;

import io.netty.handler.codec.http.HttpContent;

/**
 * Takes a request's body as it arrives. Runs on the event loop. Each piece is handed over with its
 * reference count: the receiver releases it (or passes it on to a write that does).
 */
public interface BodyReceiver {

    /** A piece of the body; {@code last} is true for the final piece (a {@code LastHttpContent}). */
    void content(HttpContent content, boolean last);

    /** The client went away before the body ended, or the exchange was aborted. */
    default void aborted() {
    }
}
