package engawa.http.fastcgi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * The FastCGI 1.0 record layer, web server side: the constants this client uses and the records it
 * writes. A record is an 8-byte header (version 1, type, request id, content length, padding length,
 * reserved), the content (at most 65535 bytes) and padding that aligns the record to 8 bytes, as the
 * specification recommends and nginx does. One request per connection at a time, so every request
 * record carries id {@link #REQUEST_ID}; management records ({@code GET_VALUES}) carry 0.
 */
final class Records {
    static final int VERSION = 1;
    static final int HEADER_LENGTH = 8;
    static final int MAX_CONTENT = 65535;
    /** The largest content length that needs no padding beyond it to stay 8-byte aligned. */
    static final int MAX_ALIGNED_CONTENT = 65528;

    static final int BEGIN_REQUEST = 1;
    static final int ABORT_REQUEST = 2;
    static final int END_REQUEST = 3;
    static final int PARAMS = 4;
    static final int STDIN = 5;
    static final int STDOUT = 6;
    static final int STDERR = 7;
    static final int DATA = 8;
    static final int GET_VALUES = 9;
    static final int GET_VALUES_RESULT = 10;
    static final int UNKNOWN_TYPE = 11;

    static final int REQUEST_ID = 1;
    static final int RESPONDER = 1;
    static final int KEEP_CONN = 1;

    static final int REQUEST_COMPLETE = 0;
    static final int CANT_MPX_CONN = 1;
    static final int OVERLOADED = 2;
    static final int UNKNOWN_ROLE = 3;

    /** Eight zero bytes to pad records with; shared, never released. */
    private static final ByteBuf ZEROS = Unpooled.unreleasableBuffer(
            Unpooled.directBuffer(8).writeZero(8).asReadOnly());

    /**
     * {@code GET_VALUES} asking for {@code FCGI_MPXS_CONNS}: any server answers it as soon as a worker
     * reads the connection, before the request that follows it runs, so its answer tells "accepted by a
     * worker" apart from "queued in the listen backlog".
     */
    private static final ByteBuf GET_VALUES_RECORD = Unpooled.unreleasableBuffer(getValues().asReadOnly());

    private Records() {
    }

    /** Padding that takes {@code contentLength} to a multiple of 8. */
    static int padding(int contentLength) {
        return -contentLength & 7;
    }

    static void writeHeader(ByteBuf out, int type, int requestId, int contentLength, int padding) {
        out.writeByte(VERSION);
        out.writeByte(type);
        out.writeShort(requestId);
        out.writeShort(contentLength);
        out.writeByte(padding);
        out.writeByte(0);
    }

    /** A record header for {@code contentLength} bytes of {@code type}, padded; the content follows it separately. */
    static ByteBuf header(ByteBufAllocator alloc, int type, int contentLength) {
        ByteBuf h = alloc.ioBuffer(HEADER_LENGTH);
        writeHeader(h, type, REQUEST_ID, contentLength, padding(contentLength));
        return h;
    }

    /** The padding bytes to write after {@code contentLength} bytes of content, or null when none are needed. */
    static ByteBuf paddingFor(int contentLength) {
        int p = padding(contentLength);
        return p == 0 ? null : ZEROS.retainedSlice(0, p);
    }

    /** {@code BEGIN_REQUEST} for the responder role with {@code FCGI_KEEP_CONN}: the connection outlives the request. */
    static void writeBeginRequest(ByteBuf out) {
        writeHeader(out, BEGIN_REQUEST, REQUEST_ID, 8, 0);
        out.writeShort(RESPONDER);
        out.writeByte(KEEP_CONN);
        out.writeZero(5);
    }

    /** An empty record of {@code type}: the end of a stream (PARAMS, STDIN). */
    static void writeEndOfStream(ByteBuf out, int type) {
        writeHeader(out, type, REQUEST_ID, 0, 0);
    }

    /**
     * The stream {@code type} carrying all of {@code content} in records of at most 65528 bytes, padded,
     * without the empty record that ends the stream.
     */
    static void writeStream(ByteBuf out, int type, ByteBuf content) {
        while (content.isReadable()) {
            int n = Math.min(content.readableBytes(), MAX_ALIGNED_CONTENT);
            int p = padding(n);
            writeHeader(out, type, REQUEST_ID, n, p);
            out.writeBytes(content, n);
            out.writeZero(p);
        }
    }

    /** The shared {@code GET_VALUES} record; the caller writes the duplicate this returns. */
    static ByteBuf getValuesRecord() {
        return GET_VALUES_RECORD.duplicate();
    }

    private static ByteBuf getValues() {
        ByteBuf pairs = Unpooled.buffer();
        NameValues.write(pairs, "FCGI_MPXS_CONNS", new byte[0]);
        ByteBuf out = Unpooled.directBuffer(HEADER_LENGTH + pairs.readableBytes() + 8);
        int n = pairs.readableBytes();
        writeHeader(out, GET_VALUES, 0, n, padding(n));
        out.writeBytes(pairs);
        out.writeZero(padding(n));
        return out;
    }

    /** A short name for a record type, for errors and logs. */
    static String typeName(int type) {
        return switch (type) {
            case BEGIN_REQUEST -> "BEGIN_REQUEST";
            case ABORT_REQUEST -> "ABORT_REQUEST";
            case END_REQUEST -> "END_REQUEST";
            case PARAMS -> "PARAMS";
            case STDIN -> "STDIN";
            case STDOUT -> "STDOUT";
            case STDERR -> "STDERR";
            case DATA -> "DATA";
            case GET_VALUES -> "GET_VALUES";
            case GET_VALUES_RESULT -> "GET_VALUES_RESULT";
            case UNKNOWN_TYPE -> "UNKNOWN_TYPE";
            default -> "type " + type;
        };
    }

    /** The name-value pair encoding of PARAMS and GET_VALUES: lengths of 1 byte below 128, else 4 with the top bit set. */
    static final class NameValues {
        private NameValues() {
        }

        static void write(ByteBuf out, String name, byte[] v) {
            byte[] n = name.getBytes(StandardCharsets.ISO_8859_1);
            writeLength(out, n.length);
            writeLength(out, v.length);
            out.writeBytes(n);
            out.writeBytes(v);
        }

        static void writeLength(ByteBuf out, int length) {
            if (length < 128) {
                out.writeByte(length);
            } else {
                out.writeInt(length | 0x80000000);
            }
        }
    }
}
