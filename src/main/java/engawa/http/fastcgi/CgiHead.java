package engawa.http.fastcgi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;

/**
 * Reads the CGI header block at the start of a script's output (RFC 3875 6.2) into an HTTP response
 * head: lines {@code Name: value} ended by CRLF or LF, up to an empty line. {@code Status: 404 Not Found}
 * sets the status; without it, a {@code Location} makes it 302 and anything else 200. Repeated headers
 * (Set-Cookie) stay separate. Hop-by-hop headers a script may print (Connection, Transfer-Encoding, ...)
 * are dropped: the edge frames the body itself. A malformed line, an informational status or a block
 * over {@value #MAX_HEAD} bytes is a {@link CgiException} (502).
 *
 * <p>The block may arrive split over any number of STDOUT records; bytes are copied only when it is.
 * One per request; runs on the event loop.
 */
final class CgiHead {
    /** Largest header block accepted (nginx's fastcgi_buffer_size is 4 or 8 KiB; PHP apps with many cookies need more). */
    static final int MAX_HEAD = 64 * 1024;

    /** A script's output that is not a CGI response. */
    static final class CgiException extends Exception {
        CgiException(String message) {
            super(message, null, false, false);
        }
    }

    private static final AsciiString STATUS = AsciiString.cached("status");

    private final HttpHeaders headers = DefaultHttpHeadersFactory.headersFactory().newHeaders();
    private HttpResponseStatus status;
    private boolean location;
    private int seen;
    private ByteBuf partial;

    /**
     * Takes the next STDOUT bytes (and their reference). Returns null while the block is incomplete;
     * once it is, the bytes after it (the start of the body, possibly empty), with a reference for the
     * caller.
     */
    ByteBuf feed(ByteBuf content, ByteBufAllocator alloc) throws CgiException {
        ByteBuf buf = content;
        if (partial != null) {
            partial.writeBytes(content);
            content.release();
            buf = partial;
        }
        try {
            while (true) {
                int from = buf.readerIndex();
                int nl = buf.indexOf(from, buf.writerIndex(), (byte) '\n');
                if (nl < 0) {
                    break;
                }
                int end = nl > from && buf.getByte(nl - 1) == '\r' ? nl - 1 : nl;
                seen += nl + 1 - from;
                if (seen > MAX_HEAD) {
                    throw new CgiException("header block over " + MAX_HEAD + " bytes");
                }
                buf.readerIndex(nl + 1);
                if (end == from) {
                    ByteBuf body = buf.readRetainedSlice(buf.readableBytes());
                    release(buf);
                    return body;
                }
                line(buf.toString(from, end - from, StandardCharsets.ISO_8859_1));
            }
            if (seen + buf.readableBytes() > MAX_HEAD) {
                throw new CgiException("header block over " + MAX_HEAD + " bytes");
            }
            if (partial == null) {
                partial = alloc.heapBuffer(Math.max(256, buf.readableBytes() * 2));
                partial.writeBytes(buf);
                content.release();
            } else {
                partial.discardReadBytes();
            }
            return null;
        } catch (CgiException | RuntimeException e) {
            release(buf);
            throw e;
        }
    }

    private void release(ByteBuf buf) {
        buf.release();
        if (buf == partial) {
            partial = null;
        }
    }

    /** The response head, once {@link #feed} returned the body. */
    HttpResponse response() {
        HttpResponseStatus s = status != null ? status : location ? HttpResponseStatus.FOUND : HttpResponseStatus.OK;
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, s, headers);
    }

    /** Lets go of a block left incomplete (the exchange failed). */
    void discard() {
        if (partial != null) {
            partial.release();
            partial = null;
        }
    }

    private void line(String line) throws CgiException {
        char first = line.charAt(0);
        if (first == ' ' || first == '\t') {
            throw new CgiException("folded header line");
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
            throw new CgiException("header line without a name: \"" + printable(line) + "\"");
        }
        String name = line.substring(0, colon);
        String value = line.substring(colon + 1).strip();
        if (AsciiString.contentEqualsIgnoreCase(name, STATUS)) {
            status = status(value);
            return;
        }
        if (hopByHop(name)) {
            return;
        }
        if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.LOCATION)) {
            location = true;
        } else if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH)) {
            contentLength(value);
        }
        try {
            headers.add(name, value);
        } catch (IllegalArgumentException e) {
            throw new CgiException("invalid header \"" + printable(name) + "\": " + e.getMessage());
        }
    }

    private static HttpResponseStatus status(String value) throws CgiException {
        int sp = value.indexOf(' ');
        String code = sp < 0 ? value : value.substring(0, sp);
        if (code.length() != 3 || !isDigits(code)) {
            throw new CgiException("invalid Status \"" + printable(value) + "\"");
        }
        int c = Integer.parseInt(code);
        if (c < 200) {
            throw new CgiException("Status " + c + " is not a final status");
        }
        String reason = sp < 0 ? "" : value.substring(sp + 1).strip();
        for (int i = 0; i < reason.length(); i++) {
            char ch = reason.charAt(i);
            if (ch < 0x20 && ch != '\t' || ch == 0x7f) {
                throw new CgiException("invalid Status reason");
            }
        }
        HttpResponseStatus known = HttpResponseStatus.valueOf(c);
        return reason.isEmpty() || reason.equals(known.reasonPhrase()) ? known : new HttpResponseStatus(c, reason);
    }

    private void contentLength(String value) throws CgiException {
        if (value.isEmpty() || value.length() > 18 || !isDigits(value)) {
            throw new CgiException("invalid Content-Length \"" + printable(value) + "\"");
        }
        String before = headers.get(HttpHeaderNames.CONTENT_LENGTH);
        if (before != null && !before.equals(value)) {
            throw new CgiException("two different Content-Length values");
        }
        headers.remove(HttpHeaderNames.CONTENT_LENGTH);
    }

    /** RFC 9110 7.6.1 connection-specific fields, which a script has no say over. */
    private static boolean hopByHop(String name) {
        return AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONNECTION)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.KEEP_ALIVE)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TE)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRAILER)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.UPGRADE)
                || AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.PROXY_CONNECTION);
    }

    private static boolean isDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return !s.isEmpty();
    }

    /** For error messages: at most 80 characters, control characters shown as {@code ?}. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), 80));
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }
}
