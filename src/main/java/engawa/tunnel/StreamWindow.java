package engawa.tunnel;

import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Flow control by hand: streams on the link are opened with automatic window updates off, and a DATA
 * frame's bytes are given back to the sender only once they were written onward. So a stream never has
 * more than its window buffered here, however slow the reader on the far side is.
 */
public final class StreamWindow {

    private StreamWindow() {
    }

    /** Returns {@code bytes} to the stream's (and the connection's) window. Any thread. */
    public static void consume(Http2StreamChannel stream, int bytes) {
        if (bytes > 0 && stream.isActive()) {
            stream.writeAndFlush(new DefaultHttp2WindowUpdateFrame(bytes));
        }
    }
}
