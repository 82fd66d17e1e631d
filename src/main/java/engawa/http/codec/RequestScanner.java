package engawa.http.codec;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.FastThreadLocal;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Reads the bytes of HTTP/1.x requests as they arrive and holds them to the strict grammar of RFC 9112,
 * so that Netty's decoder, which comes next and is lenient in places, only ever sees requests that have
 * one meaning. Refused here, with the status that names the fault:
 * <ul>
 *   <li>400: a request line that is not exactly {@code method SP target SP HTTP/d.d CRLF}; a bare CR or
 *       bare LF anywhere in the head (a lone LF ends a line for some parsers and not for others, so a
 *       request framed with them may mean two different things to us and to the next hop); obs-fold
 *       (a header line starting with whitespace) and whitespace before a colon; control characters or
 *       NUL in header values; a missing Host on HTTP/1.1, a repeated one, or one that is not
 *       {@code host[:port]}; a Content-Length that is not plain digits ({@code 5, 5}, {@code +5},
 *       {@code 5x}) or is repeated; Content-Length together with Transfer-Encoding; Transfer-Encoding on
 *       HTTP/1.0; {@code chunked} not last or twice; bad chunk sizes, extensions or chunk ends; obs-fold in
 *       trailers.</li>
 *   <li>413: a Content-Length or a chunk size too large to represent.</li>
 *   <li>414: a request line longer than {@code http.max_request_line}.</li>
 *   <li>431: a header section (and, later, trailers) longer than {@code http.max_header_size}, line
 *       ends included.</li>
 *   <li>501: a transfer coding other than {@code chunked} (we implement no other).</li>
 *   <li>505: a well-formed version other than HTTP/1.0 and HTTP/1.1.</li>
 * </ul>
 * Body bytes are skipped by count, never looked at; chunked framing is followed line by line so that the
 * next request head is found where Netty will look for it.
 *
 * <p>One per connection, used on its event loop; not thread-safe.
 */
final class RequestScanner {
    private static final int START = 0;
    private static final int LEADING_LF = 1;
    private static final int METHOD = 2;
    private static final int TARGET_START = 3;
    private static final int TARGET = 4;
    private static final int VERSION = 5;
    private static final int LINE_LF = 6;
    private static final int FIELD_START = 7;
    private static final int NAME = 8;
    private static final int VALUE = 9;
    private static final int FIELD_LF = 10;
    private static final int END_LF = 11;
    private static final int FIXED_BODY = 12;
    private static final int CHUNK_SIZE = 13;
    private static final int CHUNK_BWS = 14;
    private static final int CHUNK_EXT = 15;
    private static final int CHUNK_SIZE_LF = 16;
    private static final int CHUNK_DATA = 17;
    private static final int CHUNK_DATA_CR = 18;
    private static final int CHUNK_DATA_LF = 19;
    private static final int FAILED = 20;

    /** Empty lines accepted before a request line (RFC 9112 2.2 asks for at least one). */
    private static final int MAX_LEADING_CRLF = 4;

    private static final byte CR = '\r';
    private static final byte LF = '\n';

    // Character classes, one bit each.
    private static final int TCHAR = 1;
    private static final int VCHAR = 2;
    private static final int FIELD = 4;
    private static final int HOST = 8;
    private static final byte[] CLASS = new byte[256];

    static {
        for (int c = 0x21; c <= 0x7E; c++) {
            CLASS[c] |= VCHAR | FIELD;
        }
        for (int c = 0x80; c <= 0xFF; c++) {
            CLASS[c] |= FIELD;
        }
        CLASS[' '] |= FIELD;
        CLASS['\t'] |= FIELD;
        String tchar = "!#$%&'*+-.^_`|~";
        String hostChars = "-._~!$&'()*+,;=%";
        for (int c = 0; c < 128; c++) {
            boolean alnum = c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
            if (alnum || tchar.indexOf(c) >= 0) {
                CLASS[c] |= TCHAR;
            }
            if (alnum || hostChars.indexOf(c) >= 0) {
                CLASS[c] |= HOST;
            }
        }
    }

    private static final byte[] NAME_HOST = ascii("host");
    private static final byte[] NAME_CONTENT_LENGTH = ascii("content-length");
    private static final byte[] NAME_TRANSFER_ENCODING = ascii("transfer-encoding");
    private static final byte[] NAME_UPGRADE = ascii("upgrade");
    private static final byte[] CHUNKED = ascii("chunked");
    private static final byte[] HTTP_SLASH = ascii("HTTP/");

    // Kinds of header field whose values are read, not only checked.
    private static final int OTHER = 0;
    private static final int KIND_HOST = 1;
    private static final int KIND_CONTENT_LENGTH = 2;
    private static final int KIND_TRANSFER_ENCODING = 3;
    private static final int KIND_UPGRADE = 4;

    // Value sub-states per kind.
    private static final int CL_LEAD = 0;
    private static final int CL_DIGITS = 1;
    private static final int CL_TRAIL = 2;
    private static final int TE_LEAD = 0;
    private static final int TE_TOKEN = 1;
    private static final int TE_AFTER = 2;
    private static final int TE_PARAMS = 3;
    private static final int HOST_LEAD = 0;
    private static final int HOST_NAME = 1;
    private static final int HOST_IP_LITERAL = 2;
    private static final int HOST_AFTER_LITERAL = 3;
    private static final int HOST_PORT = 4;
    private static final int HOST_TRAIL = 5;

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Scratch for bytes of direct buffers, one per event loop thread (scanning never leaves the thread). */
    private static final FastThreadLocal<byte[]> SCRATCH = new FastThreadLocal<>() {
        @Override
        protected byte[] initialValue() {
            return new byte[1024];
        }
    };

    private final int maxRequestLine;
    private final int maxHeaderSize;

    private int state = START;
    private boolean inHead;
    private long heads;
    private boolean trailers;
    private boolean upgradeRequested;

    // Request line.
    private int leadingCrlf;
    private int lineLength;
    private int versionAt;
    private int major;
    private int minor;
    private int headerBytes;

    // The field being read.
    private byte[] candidate;
    private int nameLength;
    private int kind;
    private int valueState;

    // What the head said so far.
    private int hostFields;
    private boolean contentLengthSeen;
    private long contentLength;
    private boolean transferEncodingSeen;
    private int codings;
    private int chunkedCodings;
    private boolean lastCodingChunked;
    private int tokenLength;
    private boolean tokenMatchesChunked;
    private boolean tokenHasParameters;
    private boolean upgrade;

    // Body.
    private long remaining;
    private long chunkSize;
    private int chunkDigits;
    private int chunkLineLength;

    private int status;
    private String reason;
    private boolean failedInBody;

    RequestScanner(int maxRequestLine, int maxHeaderSize) {
        this.maxRequestLine = maxRequestLine;
        this.maxHeaderSize = maxHeaderSize;
    }

    /**
     * Scans {@code in} from its reader index to its writer index without moving either. Returns the
     * writer index when every byte is acceptable so far, or the index of the first byte that is not
     * ({@link #status()} and {@link #reason()} then say why, and the scanner takes nothing more).
     */
    int scan(ByteBuf in) {
        int from = in.readerIndex();
        int to = in.writerIndex();
        if (state == FAILED) {
            return from;
        }
        int i = from;
        while (i < to) {
            if (state == FIXED_BODY || state == CHUNK_DATA) {
                int n = (int) Math.min(remaining, to - i);
                i += n;
                remaining -= n;
                if (remaining == 0) {
                    state = state == FIXED_BODY ? START : CHUNK_DATA_CR;
                }
                continue;
            }
            int stop = in.hasArray() ? scanArray(in.array(), in.arrayOffset(), i, to) : scanCopied(in, i, to);
            if (state == FAILED) {
                return stop;
            }
            i = stop;
        }
        return to;
    }

    /** Scans through a thread-local copy of the bytes; returns where it stopped (see {@link #scanArray}). */
    private int scanCopied(ByteBuf in, int from, int to) {
        byte[] scratch = SCRATCH.get();
        int i = from;
        while (i < to) {
            int n = Math.min(scratch.length, to - i);
            in.getBytes(i, scratch, 0, n);
            int stop = scanArray(scratch, -i, i, i + n);
            if (stop < i + n || state == FAILED) {
                return stop;
            }
            i += n;
        }
        return to;
    }

    /**
     * Steps through bytes {@code [from, to)} (array index = buffer index + {@code offset}) until the end,
     * a failure (returns the failing index), or the start of a body to skip (returns the index after the
     * byte that ended the head or chunk line).
     */
    private int scanArray(byte[] a, int offset, int from, int to) {
        int i = from;
        while (i < to) {
            // Most bytes of a head are inside a target, a header name or a value: take such runs in a
            // tight loop, one table lookup per byte, and step byte by byte only at the edges.
            int run = switch (state) {
                case TARGET -> run(a, offset, i, to, VCHAR);
                case NAME -> candidate == null ? run(a, offset, i, to, TCHAR) : 0;
                case VALUE -> kind == OTHER ? run(a, offset, i, to, FIELD) : 0;
                default -> 0;
            };
            if (run > 0) {
                int limit = state == TARGET ? maxRequestLine - lineLength : maxHeaderSize - headerBytes;
                if (run > limit) {
                    fail(state == TARGET ? 414 : 431, state == TARGET || !trailers ? null : "trailers too large");
                    return i + limit;
                }
                if (state == TARGET) {
                    lineLength += run;
                } else {
                    headerBytes += run;
                }
                i += run;
                continue;
            }
            if (!step(a[i + offset] & 0xFF)) {
                return state == FAILED ? i : i + 1;
            }
            i++;
        }
        return to;
    }

    /** How many bytes from {@code from} on are of class {@code cls}. */
    private static int run(byte[] a, int offset, int from, int to, int cls) {
        int i = from;
        if (cls != TCHAR) {
            // Eight bytes at a time while none is a control character, DEL, or (for a target) a space
            // or non-ASCII; a word with any of those is left to the byte loop below.
            long low = cls == VCHAR ? 0x2121212121212121L : 0x2020202020202020L;
            while (i + 8 <= to) {
                long x = (long) LONG.get(a, i + offset);
                long bad = (x - low) & ~x & 0x8080808080808080L;
                long del = x ^ 0x7F7F7F7F7F7F7F7FL;
                bad |= (del - 0x0101010101010101L) & ~del & 0x8080808080808080L;
                if (cls == VCHAR) {
                    bad |= x & 0x8080808080808080L;
                }
                if (bad != 0) {
                    break;
                }
                i += 8;
            }
        }
        while (i < to && (CLASS[a[i + offset] & 0xFF] & cls) != 0) {
            i++;
        }
        return i - from;
    }

    /** True while a request head has begun (its first request-line byte arrived) and has not ended. */
    boolean inHead() {
        return inHead;
    }

    /** How many request heads were complete and accepted so far. */
    long heads() {
        return heads;
    }

    /** True while a request's body or trailers are partly read: the client owes us bytes. */
    boolean inBody() {
        return state >= FIXED_BODY && state < FAILED || trailers;
    }

    /** True at a request boundary: no head, body or trailer partly read. */
    boolean betweenRequests() {
        return state == START && !inHead;
    }

    /** True when the last complete head asked to switch protocols ({@code Upgrade}). */
    boolean upgradeRequested() {
        return upgradeRequested;
    }

    /** The status to answer a refused request with; 0 while nothing was refused. */
    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    /** True when the fault came after the head (body framing or trailers): the request is already on its way. */
    boolean failedInBody() {
        return failedInBody;
    }

    /** Takes one byte; false to stop the loop (a failure, or a body to skip follows). */
    private boolean step(int b) {
        switch (state) {
            case START:
                if (b == CR) {
                    if (++leadingCrlf > MAX_LEADING_CRLF) {
                        return fail(400, "too many empty lines before the request line");
                    }
                    state = LEADING_LF;
                    return true;
                }
                if ((CLASS[b] & TCHAR) != 0) {
                    inHead = true;
                    lineLength = 1;
                    headerBytes = 0;
                    state = METHOD;
                    return true;
                }
                return fail(400, b == LF ? "bare LF before the request line" : "invalid request line");
            case LEADING_LF:
                if (b != LF) {
                    return fail(400, "bare CR before the request line");
                }
                state = START;
                return true;
            case METHOD:
                if ((CLASS[b] & TCHAR) != 0) {
                    return lineByte();
                }
                if (b == ' ') {
                    state = TARGET_START;
                    return lineByte();
                }
                return fail(400, "invalid method in the request line");
            case TARGET_START:
            case TARGET:
                if ((CLASS[b] & VCHAR) != 0) {
                    state = TARGET;
                    return lineByte();
                }
                if (b == ' ' && state == TARGET) {
                    state = VERSION;
                    versionAt = 0;
                    return lineByte();
                }
                return fail(400, "invalid request target");
            case VERSION:
                return version(b);
            case LINE_LF:
                if (b != LF) {
                    return fail(400, "bare CR in the request line");
                }
                state = FIELD_START;
                return true;
            case FIELD_START:
                return fieldStart(b);
            case NAME:
                return name(b);
            case VALUE:
                return value(b);
            case FIELD_LF:
                if (b != LF) {
                    return fail(400, "bare CR in a header line");
                }
                if (!endValue()) {
                    return false;
                }
                state = FIELD_START;
                return headerByte();
            case END_LF:
                if (b != LF) {
                    return fail(400, "bare CR at the end of the header section");
                }
                return trailers ? endRequest() : endHead();
            case CHUNK_SIZE:
                return chunkSize(b);
            case CHUNK_BWS:
                if (b == ' ' || b == '\t') {
                    return chunkLineByte();
                }
                if (b == ';') {
                    state = CHUNK_EXT;
                    return chunkLineByte();
                }
                return fail(400, "invalid chunk size");
            case CHUNK_EXT:
                if (b == CR) {
                    state = CHUNK_SIZE_LF;
                    return true;
                }
                if ((CLASS[b] & FIELD) != 0) {
                    return chunkLineByte();
                }
                return fail(400, "invalid chunk extension");
            case CHUNK_SIZE_LF:
                if (b != LF) {
                    return fail(400, "bare CR in a chunk size line");
                }
                if (chunkSize == 0) {
                    trailers = true;
                    state = FIELD_START;
                    return true;
                }
                remaining = chunkSize;
                state = CHUNK_DATA;
                return false;
            case CHUNK_DATA_CR:
                if (b != CR) {
                    return fail(400, "chunk data not followed by CRLF");
                }
                state = CHUNK_DATA_LF;
                return true;
            case CHUNK_DATA_LF:
                if (b != LF) {
                    return fail(400, "chunk data not followed by CRLF");
                }
                startChunkLine();
                return true;
            default:
                return false;
        }
    }

    private boolean lineByte() {
        if (++lineLength > maxRequestLine) {
            return fail(414, null);
        }
        return true;
    }

    private boolean headerByte() {
        if (++headerBytes > maxHeaderSize) {
            return fail(431, trailers ? "trailers too large" : null);
        }
        return true;
    }

    private boolean version(int b) {
        int at = versionAt++;
        if (at < HTTP_SLASH.length) {
            if (b != HTTP_SLASH[at]) {
                return fail(400, "invalid HTTP version");
            }
        } else if (at == 5 || at == 7) {
            if (b < '0' || b > '9') {
                return fail(400, "invalid HTTP version");
            }
            if (at == 5) {
                major = b - '0';
            } else {
                minor = b - '0';
            }
        } else if (at == 6) {
            if (b != '.') {
                return fail(400, "invalid HTTP version");
            }
        } else {
            if (b != CR) {
                return fail(400, b == LF ? "bare LF after the request line" : "invalid HTTP version");
            }
            if (major != 1 || minor > 1) {
                return fail(505, "HTTP/" + major + "." + minor);
            }
            state = LINE_LF;
            return true;
        }
        return lineByte();
    }

    private boolean fieldStart(int b) {
        if (b == CR) {
            state = END_LF;
            return headerByte();
        }
        if ((CLASS[b] & TCHAR) != 0) {
            int lower = b | 0x20;
            candidate = trailers ? null
                    : lower == 'h' ? NAME_HOST
                    : lower == 'c' ? NAME_CONTENT_LENGTH
                    : lower == 't' ? NAME_TRANSFER_ENCODING
                    : lower == 'u' ? NAME_UPGRADE
                    : null;
            nameLength = 1;
            state = NAME;
            return headerByte();
        }
        if (b == ' ' || b == '\t') {
            return fail(400, "obs-fold: a header line starts with whitespace");
        }
        return fail(400, b == LF ? "bare LF in the header section" : "invalid header name");
    }

    private boolean name(int b) {
        if ((CLASS[b] & TCHAR) != 0) {
            // Letters compare case-insensitively; no other tchar maps onto a letter or '-' under | 0x20.
            if (candidate != null && (nameLength >= candidate.length || (b | 0x20) != candidate[nameLength])) {
                candidate = null;
            }
            nameLength++;
            return headerByte();
        }
        if (b == ':') {
            state = VALUE;
            valueState = 0;
            return fieldKind() && headerByte();
        }
        if (b == ' ' || b == '\t') {
            return fail(400, "whitespace before the colon of a header");
        }
        return fail(400, "invalid header name");
    }

    private boolean fieldKind() {
        kind = OTHER;
        if (candidate == null || nameLength != candidate.length) {
            return true;
        }
        if (candidate == NAME_HOST) {
            kind = KIND_HOST;
            if (++hostFields > 1) {
                return fail(400, "repeated Host header");
            }
        } else if (candidate == NAME_CONTENT_LENGTH) {
            kind = KIND_CONTENT_LENGTH;
            if (contentLengthSeen) {
                return fail(400, "repeated Content-Length");
            }
            contentLengthSeen = true;
        } else if (candidate == NAME_TRANSFER_ENCODING) {
            kind = KIND_TRANSFER_ENCODING;
            transferEncodingSeen = true;
        } else {
            kind = KIND_UPGRADE;
            upgrade = true;
        }
        return true;
    }

    private boolean value(int b) {
        if (b == CR) {
            state = FIELD_LF;
            return headerByte();
        }
        if ((CLASS[b] & FIELD) == 0) {
            return fail(400, b == LF ? "bare LF in a header line" : "control character in a header value");
        }
        boolean ok = switch (kind) {
            case KIND_HOST -> host(b);
            case KIND_CONTENT_LENGTH -> contentLength(b);
            case KIND_TRANSFER_ENCODING -> transferEncoding(b);
            default -> true;
        };
        return ok && headerByte();
    }

    private boolean endValue() {
        switch (kind) {
            case KIND_CONTENT_LENGTH:
                if (valueState == CL_LEAD) {
                    return fail(400, "empty Content-Length");
                }
                return true;
            case KIND_TRANSFER_ENCODING:
                endCoding();
                return true;
            case KIND_HOST:
                if (valueState == HOST_IP_LITERAL) {
                    return fail(400, "invalid Host");
                }
                return true;
            default:
                return true;
        }
    }

    private boolean contentLength(int b) {
        if (b >= '0' && b <= '9') {
            if (valueState == CL_TRAIL) {
                return fail(400, "invalid Content-Length");
            }
            valueState = CL_DIGITS;
            // Saturates: a length this large is refused as too large once the head is complete.
            contentLength = contentLength > (Long.MAX_VALUE - 9) / 10 ? Long.MAX_VALUE : contentLength * 10 + (b - '0');
            return true;
        }
        if (b == ' ' || b == '\t') {
            if (valueState == CL_DIGITS) {
                valueState = CL_TRAIL;
            }
            return true;
        }
        return fail(400, "invalid Content-Length");
    }

    private boolean transferEncoding(int b) {
        boolean ows = b == ' ' || b == '\t';
        switch (valueState) {
            case TE_LEAD:
                if (ows || b == ',') {
                    return true;
                }
                if ((CLASS[b] & TCHAR) != 0) {
                    tokenLength = 1;
                    tokenMatchesChunked = (b | 0x20) == CHUNKED[0];
                    tokenHasParameters = false;
                    valueState = TE_TOKEN;
                    return true;
                }
                return fail(400, "invalid Transfer-Encoding");
            case TE_TOKEN:
                if ((CLASS[b] & TCHAR) != 0) {
                    if (tokenLength >= CHUNKED.length || (b | 0x20) != CHUNKED[tokenLength]) {
                        tokenMatchesChunked = false;
                    }
                    tokenLength++;
                    return true;
                }
                valueState = TE_AFTER;
                return transferEncoding(b);
            case TE_AFTER:
                if (ows) {
                    return true;
                }
                if (b == ',') {
                    endCoding();
                    return true;
                }
                if (b == ';') {
                    tokenHasParameters = true;
                    valueState = TE_PARAMS;
                    return true;
                }
                return fail(400, "invalid Transfer-Encoding");
            default:
                // Parameters are not read: a coding with parameters is not plain chunked, so it is refused anyway.
                if (b == ',') {
                    endCoding();
                }
                return true;
        }
    }

    private void endCoding() {
        if (valueState == TE_LEAD) {
            return;
        }
        boolean chunked = tokenMatchesChunked && tokenLength == CHUNKED.length && !tokenHasParameters;
        codings++;
        if (chunked) {
            chunkedCodings++;
        }
        lastCodingChunked = chunked;
        valueState = TE_LEAD;
    }

    private boolean host(int b) {
        boolean ows = b == ' ' || b == '\t';
        switch (valueState) {
            case HOST_LEAD:
                if (ows) {
                    return true;
                }
                if (b == '[') {
                    valueState = HOST_IP_LITERAL;
                    return true;
                }
                if ((CLASS[b] & HOST) != 0) {
                    valueState = HOST_NAME;
                    return true;
                }
                break;
            case HOST_NAME:
                if ((CLASS[b] & HOST) != 0) {
                    return true;
                }
                if (b == ':' || ows) {
                    valueState = b == ':' ? HOST_PORT : HOST_TRAIL;
                    return true;
                }
                break;
            case HOST_IP_LITERAL:
                if (b == ']') {
                    valueState = HOST_AFTER_LITERAL;
                    return true;
                }
                if (b == ':' || b == '.' || (CLASS[b] & HOST) != 0 && b != '%') {
                    return true;
                }
                break;
            case HOST_AFTER_LITERAL:
                if (b == ':' || ows) {
                    valueState = b == ':' ? HOST_PORT : HOST_TRAIL;
                    return true;
                }
                break;
            case HOST_PORT:
                if (b >= '0' && b <= '9') {
                    return true;
                }
                if (ows) {
                    valueState = HOST_TRAIL;
                    return true;
                }
                break;
            default:
                if (ows) {
                    return true;
                }
                break;
        }
        return fail(400, "invalid Host");
    }

    /** The empty line after the headers: decide how the body is framed. */
    private boolean endHead() {
        if (major == 1 && minor == 1 && hostFields == 0) {
            return fail(400, "missing Host header");
        }
        if (transferEncodingSeen) {
            if (minor == 0) {
                return fail(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (contentLengthSeen) {
                return fail(400, "both Content-Length and Transfer-Encoding");
            }
            if (chunkedCodings > 1 || chunkedCodings == 1 && !lastCodingChunked) {
                return fail(400, "chunked must be the last transfer coding, and only once");
            }
            if (codings > chunkedCodings) {
                return fail(501, "transfer coding other than chunked");
            }
            if (codings == 0) {
                return fail(400, "empty Transfer-Encoding");
            }
            headAccepted();
            startChunkLine();
            return true;
        }
        if (contentLength == Long.MAX_VALUE) {
            return fail(413, "Content-Length too large");
        }
        long length = contentLength;
        headAccepted();
        if (length > 0) {
            remaining = length;
            state = FIXED_BODY;
            return false;
        }
        return endRequest();
    }

    private void headAccepted() {
        heads++;
        inHead = false;
        upgradeRequested = upgrade;
        leadingCrlf = 0;
        hostFields = 0;
        contentLengthSeen = false;
        contentLength = 0;
        transferEncodingSeen = false;
        codings = 0;
        chunkedCodings = 0;
        lastCodingChunked = false;
        upgrade = false;
    }

    private boolean endRequest() {
        trailers = false;
        state = START;
        return true;
    }

    private void startChunkLine() {
        state = CHUNK_SIZE;
        chunkSize = 0;
        chunkDigits = 0;
        chunkLineLength = 0;
    }

    private boolean chunkSize(int b) {
        int digit = b >= '0' && b <= '9' ? b - '0' : (b | 0x20) >= 'a' && (b | 0x20) <= 'f' ? (b | 0x20) - 'a' + 10 : -1;
        if (digit >= 0) {
            chunkDigits++;
            chunkSize = chunkSize * 16 + digit;
            if (chunkSize > Integer.MAX_VALUE) {
                return fail(413, "chunk too large");
            }
            return chunkLineByte();
        }
        if (chunkDigits == 0) {
            return fail(400, "invalid chunk size");
        }
        if (b == CR) {
            state = CHUNK_SIZE_LF;
            return true;
        }
        if (b == ';' || b == ' ' || b == '\t') {
            state = b == ';' ? CHUNK_EXT : CHUNK_BWS;
            return chunkLineByte();
        }
        return fail(400, "invalid chunk size");
    }

    private boolean chunkLineByte() {
        // Netty's decoder reads chunk lines with the request line's limit; refuse at the same length.
        if (++chunkLineLength > maxRequestLine) {
            return fail(400, "chunk size line too long");
        }
        return true;
    }

    private boolean fail(int status, String reason) {
        this.failedInBody = state >= FIXED_BODY || trailers;
        this.status = status;
        this.reason = reason;
        this.state = FAILED;
        return false;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
