package engawa.dns;

import io.netty.buffer.ByteBuf;

/**
 * Parses a DNS message into a {@link Query}, strictly: a message is either well-formed to its last byte or
 * it is a format error. The question name may not use compression (nothing precedes it to point at) or
 * the label types of RFC 2671/6891 (0x40, 0x80); names elsewhere may point only backwards, and pointers are
 * never followed, so no input can loop. Counts that promise more records than the message holds, a second
 * OPT record, an OPT that is not at the root, EDNS options that overrun their record, and bytes after the
 * last record are format errors. Runs on the event loop; allocates nothing.
 */
final class QueryParser {
    /** Answer it (the rcode may still say why not). */
    static final int OK = 0;
    /** Not worth an answer: shorter than a header, or itself a response. */
    static final int DROP = 1;
    /** Malformed: answer FORMERR (with the question when it parsed). */
    static final int FORMERR = 2;

    private static final int TYPE_OPT = 41;
    private static final int TYPE_SOA = 6;
    private static final int TYPE_IXFR = 251;

    private QueryParser() {
    }

    /** Copies {@code length} bytes at {@code index} of {@code buf} into {@code q} and parses them. */
    static int parse(ByteBuf buf, int index, int length, Query q) {
        q.reset();
        if (length < 12 || length > Query.MAX_MESSAGE) {
            return DROP;
        }
        buf.getBytes(index, q.packet, 0, length);
        q.length = length;
        return parse(q);
    }

    static int parse(Query q) {
        byte[] p = q.packet;
        int n = q.length;
        q.id = u16(p, 0);
        q.flags = u16(p, 2);
        q.opcode = (q.flags >> 11) & 0xF;
        if ((q.flags & 0x8000) != 0) {
            return DROP;
        }
        int qd = u16(p, 4);
        int an = u16(p, 6);
        int ns = u16(p, 8);
        int ar = u16(p, 10);
        if (qd != 1) {
            return FORMERR;
        }
        int pos = parseQuestion(q, p, n);
        if (pos < 0) {
            return FORMERR;
        }
        q.questionOk = true;
        for (int i = 0; i < an + ns; i++) {
            int start = pos;
            pos = skipRecord(p, pos, n);
            if (pos < 0) {
                return FORMERR;
            }
            if (i >= an && q.qtype == TYPE_IXFR) {
                q.ixfrSerial = soaSerial(p, start, n);
            }
        }
        for (int i = 0; i < ar; i++) {
            int nameEnd = skipName(p, pos, n);
            if (nameEnd < 0 || nameEnd + 10 > n) {
                return FORMERR;
            }
            if (u16(p, nameEnd) == TYPE_OPT) {
                if (nameEnd != pos + 1 || q.edns) {
                    return FORMERR; // one OPT, owned by the root (RFC 6891 section 6.1.1)
                }
                pos = parseOpt(q, p, pos, n);
            } else {
                pos = nameEnd + 10 + u16(p, nameEnd + 8);
                pos = pos > n ? -1 : pos;
            }
            if (pos < 0) {
                return FORMERR;
            }
        }
        return pos == n ? OK : FORMERR;
    }

    private static int parseQuestion(Query q, byte[] p, int n) {
        int pos = 12;
        int out = 0;
        int count = 0;
        byte[] lower = q.lower;
        while (true) {
            if (pos >= n) {
                return -1;
            }
            int len = p[pos] & 0xff;
            if (len == 0) {
                lower[out++] = 0;
                pos++;
                break;
            }
            if (len > 63 || pos + 1 + len > n || out + len + 2 > 255) {
                return -1;
            }
            q.labels[count++] = out;
            lower[out++] = (byte) len;
            for (int i = 0; i < len; i++) {
                byte b = p[pos + 1 + i];
                lower[out++] = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
            }
            pos += len + 1;
        }
        if (pos + 4 > n) {
            return -1;
        }
        q.labelCount = count;
        q.qnameLen = out;
        q.labels[count] = out - 1;
        q.qtype = u16(p, pos);
        q.qclass = u16(p, pos + 2);
        long h = NameHash.ROOT;
        q.hashes[count] = h;
        for (int i = count - 1; i >= 0; i--) {
            int off = q.labels[i];
            h = NameHash.extend(h, NameHash.label(lower, off + 1, lower[off]));
            q.hashes[i] = h;
        }
        return pos + 4;
    }

    /** Skips a name that may end in a backwards pointer; -1 when malformed. */
    private static int skipName(byte[] p, int pos, int n) {
        int start = pos;
        int total = 0;
        while (true) {
            if (pos >= n) {
                return -1;
            }
            int len = p[pos] & 0xff;
            if (len == 0) {
                return pos + 1;
            }
            if ((len & 0xC0) == 0xC0) {
                if (pos + 1 >= n) {
                    return -1;
                }
                int target = ((len & 0x3F) << 8) | (p[pos + 1] & 0xff);
                return target >= 12 && target < start ? pos + 2 : -1;
            }
            if (len > 63) {
                return -1;
            }
            total += len + 1;
            if (total > 254) {
                return -1;
            }
            pos += len + 1;
        }
    }

    private static int skipRecord(byte[] p, int pos, int n) {
        pos = skipName(p, pos, n);
        if (pos < 0 || pos + 10 > n) {
            return -1;
        }
        int rdlen = u16(p, pos + 8);
        pos += 10 + rdlen;
        return pos > n ? -1 : pos;
    }

    private static int parseOpt(Query q, byte[] p, int pos, int n) {
        pos += 1;
        if (pos + 10 > n) {
            return -1;
        }
        int payload = u16(p, pos + 2);
        int version = p[pos + 5] & 0xff;
        int rdlen = u16(p, pos + 8);
        int end = pos + 10 + rdlen;
        if (end > n) {
            return -1;
        }
        // Options are ignored (RFC 6891 section 6.1.2), but they must fit their record exactly.
        for (int o = pos + 10; o < end; ) {
            if (o + 4 > end) {
                return -1;
            }
            o += 4 + u16(p, o + 2);
            if (o > end) {
                return -1;
            }
        }
        q.edns = true;
        q.ednsVersion = version;
        q.udpPayload = Math.max(512, payload);
        return end;
    }

    private static long soaSerial(byte[] p, int start, int n) {
        int pos = skipName(p, start, n);
        if (pos < 0 || u16(p, pos) != TYPE_SOA) {
            return -1;
        }
        int rd = pos + 10;
        int afterPrimary = skipName(p, rd, n);
        int afterContact = afterPrimary < 0 ? -1 : skipName(p, afterPrimary, n);
        if (afterContact < 0 || afterContact + 4 > n) {
            return -1;
        }
        return ((long) u16(p, afterContact) << 16) | u16(p, afterContact + 2);
    }

    static int u16(byte[] p, int at) {
        return ((p[at] & 0xff) << 8) | (p[at + 1] & 0xff);
    }
}
