package engawa.http.statics;

import engawa.http.HttpExchange;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Writes a file's bytes after the response head, the cheapest way the connection allows: from memory as
 * one full response when the file is cached, with sendfile(2) ({@link FileRegionPart}) on plain HTTP, and
 * in chunks ({@link FileChunks}) otherwise. A piece that fails (the file shrank, the client left) closes
 * the connection, since the response can no longer match its Content-Length. Runs on the event loop.
 */
final class FileBodies {

    private FileBodies() {
    }

    /**
     * Sends {@code length} bytes of {@code rep} from {@code position} after a head with {@code status} and
     * {@code headers} (Content-Length set by the caller). {@code file} is open unless the bytes are in
     * memory or {@code head} is set; the caller keeps its reference.
     */
    static void send(HttpExchange ex, HttpResponseStatus status, HttpHeaders headers, Representation rep, OpenFile file,
                     long position, long length, boolean head) {
        if (head || length == 0) {
            ex.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER, headers,
                    EmptyHttpHeaders.INSTANCE));
            return;
        }
        if (rep.content() != null) {
            // Head and body as two messages: Netty encodes a full response with a body over 128 bytes into two
            // buffers and joins their write promises with a PromiseCombiner, two promises and two listeners more.
            ex.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers));
            ex.writeAndFlush(new DefaultLastHttpContent(slice(rep, position, length)));
            return;
        }
        ex.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, headers));
        if (length > 0) {
            ex.write(piece(ex, file, position, length)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        ex.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }

    /** Sends several ranges as {@code multipart/byteranges} (RFC 9110 14.6), each part with its own Content-Range. */
    static void sendMultipart(HttpExchange ex, HttpHeaders headers, AsciiString contentType, Representation rep,
                              OpenFile file, ByteRanges ranges, String boundary) {
        int n = ranges.count();
        byte[][] partHeads = new byte[n][];
        long total = 0;
        for (int i = 0; i < n; i++) {
            partHeads[i] = ("\r\n--" + boundary + "\r\nContent-Type: " + contentType + "\r\nContent-Range: "
                    + StaticFileHandler.contentRange(ranges.first(i), ranges.last(i), rep.size()) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            total += partHeads[i].length + ranges.length(i);
        }
        byte[] end = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        total += end.length;
        headers.add(HttpHeaderNames.CONTENT_TYPE, "multipart/byteranges; boundary=" + boundary);
        headers.add(HttpHeaderNames.CONTENT_LENGTH, Long.toString(total));
        if (rep.content() != null) {
            CompositeByteBuf body = Unpooled.compositeBuffer(2 * n + 1);
            for (int i = 0; i < n; i++) {
                body.addComponent(true, Unpooled.wrappedBuffer(partHeads[i]));
                body.addComponent(true, slice(rep, ranges.first(i), ranges.length(i)));
            }
            body.addComponent(true, Unpooled.wrappedBuffer(end));
            ex.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT, body,
                    headers, EmptyHttpHeaders.INSTANCE));
            return;
        }
        ex.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT, headers));
        for (int i = 0; i < n; i++) {
            ex.write(new DefaultHttpContent(Unpooled.wrappedBuffer(partHeads[i])));
            ex.write(piece(ex, file, ranges.first(i), ranges.length(i))).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        }
        ex.writeAndFlush(new DefaultLastHttpContent(Unpooled.wrappedBuffer(end)));
    }

    private static ByteBuf slice(Representation rep, long position, long length) {
        // A view of its own per response: the shared buffer's indexes never move.
        if (position == 0 && length == rep.size()) {
            return rep.content().duplicate();
        }
        return rep.content().slice((int) position, (int) length);
    }

    private static Object piece(HttpExchange ex, OpenFile file, long position, long length) {
        return ex.zeroCopy() ? new FileRegionPart(file, position, length) : new FileChunks(file, position, length);
    }
}
