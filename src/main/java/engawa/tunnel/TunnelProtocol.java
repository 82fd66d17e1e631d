package engawa.tunnel;

import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;

/**
 * The tunnel link, as both ends speak it. Over TLS 1.3 only:
 * <ol>
 * <li>the client sends a {@link Hello}: the magic {@code ENGT}, a version byte, a 2-byte length and that many
 *     bytes of JSON (at most {@link #MAX_HANDSHAKE});</li>
 * <li>the edge answers with a {@link HelloReply}: a 2-byte length and JSON, then closes if it refused;</li>
 * <li>from then on the connection carries HTTP/2 frames with the roles reversed: the edge is the HTTP/2
 *     client (it sends the connection preface and opens a stream per public request or TCP connection), the
 *     tunnel client is the HTTP/2 server. Flow control is per stream; PING keeps the link alive; GOAWAY ends
 *     it cleanly.</li>
 * </ol>
 * A stream is an HTTP request (HEADERS with {@code :method :scheme :authority :path}, DATA, optional
 * trailers) or a raw byte stream: {@code CONNECT} for a TCP tunnel connection, or a request marked
 * {@link #UPGRADE} for a WebSocket, whose response carries {@link #SWITCHED} when the local service
 * switched protocols; DATA frames then carry the bytes both ways and END_STREAM is a half-close.
 */
public final class TunnelProtocol {
    public static final byte[] MAGIC = {'E', 'N', 'G', 'T'};
    public static final int VERSION = 1;
    /** Largest handshake message in either direction. */
    public static final int MAX_HANDSHAKE = 8 * 1024;

    /** On a request stream: the public request asked to upgrade to this protocol (e.g. websocket). */
    public static final AsciiString UPGRADE = AsciiString.cached("x-engawa-upgrade");
    /** On a response: the local service answered 101 Switching Protocols; raw bytes follow. */
    public static final AsciiString SWITCHED = AsciiString.cached("x-engawa-switched");
    /** Headers with this prefix are the link's own and are stripped from public traffic. */
    public static final String INTERNAL_PREFIX = "x-engawa-";

    /** Flow-control window per stream, both ways: enough for loopback-speed bulk transfers. */
    public static final int STREAM_WINDOW = 1 << 20;
    /** Connection window the edge grants a client: the most response data one link may have buffered. */
    public static final int EDGE_CONNECTION_WINDOW = 8 << 20;
    /** Largest header block accepted in either direction. */
    public static final int MAX_HEADER_LIST = 64 * 1024;
    /** Streams one link may have open at once. */
    public static final int MAX_STREAMS = 1000;

    private TunnelProtocol() {
    }

    /** The settings the edge (HTTP/2 client) announces: no push, nothing opened towards it. */
    public static Http2Settings edgeSettings() {
        return new Http2Settings()
                .pushEnabled(false)
                .maxConcurrentStreams(0)
                .initialWindowSize(STREAM_WINDOW)
                .maxHeaderListSize(MAX_HEADER_LIST);
    }

    /** The settings a tunnel client (HTTP/2 server) announces. */
    public static Http2Settings clientSettings() {
        return new Http2Settings()
                .maxConcurrentStreams(MAX_STREAMS)
                .initialWindowSize(STREAM_WINDOW)
                .maxHeaderListSize(MAX_HEADER_LIST);
    }
}
