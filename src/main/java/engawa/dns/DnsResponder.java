package engawa.dns;

import engawa.config.Cidr;
import engawa.config.DnsSettings;
import engawa.snapshot.SnapshotHolder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;

/**
 * Answers one DNS message: parse ({@link QueryParser}), find the zone by the longest suffix, take the
 * precomputed answer from its {@link ZoneIndex}, and write header, the client's question and the template,
 * then EDNS(0) (RFC 6891: OPT echoed with Engawa's payload size, version 0, BADVERS for other versions) and
 * truncation over UDP (additional records go first unless they are required glue; else TC with no
 * records). Rcodes at the edges follow RFC 8906: FORMERR for malformed messages, NOTIMP for opcodes other
 * than QUERY, REFUSED for names in no zone and classes other than IN, and unknown types, flags and EDNS
 * options answered as if absent (flags Z and AD cleared, RD and CD copied).
 *
 * <p>Thread-safe and lock-free: runs on every event loop at once, reads the snapshot once per message, and
 * allocates only the response buffer.
 */
final class DnsResponder {
    static final int NOERROR = 0;
    static final int FORMERR = 1;
    static final int SERVFAIL = 2;
    static final int NOTIMP = 4;
    static final int REFUSED = 5;
    static final int NOTAUTH = 9;
    static final int BADVERS = 16;

    private static final int CLASS_IN = 1;
    private static final int CLASS_ANY = 255;
    private static final int TYPE_OPT = 41;
    private static final int TYPE_TKEY = 249;
    private static final int TYPE_TSIG = 250;
    private static final int TYPE_IXFR = 251;
    private static final int TYPE_AXFR = 252;
    private static final int TYPE_MAILB = 253;
    private static final int TYPE_MAILA = 254;

    private static final FastThreadLocal<Query> QUERIES = new FastThreadLocal<>() {
        @Override
        protected Query initialValue() {
            return new Query();
        }
    };

    /** A zone transfer a TCP connection should stream: everything needed after the query buffer is reused. */
    record TransferRequest(ZoneIndex zone, int id, int qtype, long clientSerial, byte[] question) {
    }

    private final SnapshotHolder snapshots;
    private final DnsMeters meters;
    private final RateLimiter limiter = new RateLimiter();

    DnsResponder(SnapshotHolder snapshots, DnsMeters meters) {
        this.snapshots = snapshots;
        this.meters = meters;
    }

    /** The outcome of {@link #respond}: a response to send, a transfer to start, or nothing. */
    static final class Outcome {
        ByteBuf response;
        TransferRequest transfer;

        void clear() {
            response = null;
            transfer = null;
        }
    }

    /**
     * Answers the message of {@code length} bytes at {@code index} in {@code in} from {@code client}. Over TCP
     * the response starts with its 2-byte length and AXFR/IXFR become a {@link TransferRequest}.
     */
    void respond(ByteBuf in, int index, int length, InetAddress client, boolean tcp, ByteBufAllocator alloc, Outcome out) {
        out.clear();
        Query q = QUERIES.get();
        // Reading the clock costs as much as a table lookup: only for the sampled latency and the rate limit.
        long start = q.timed() ? System.nanoTime() : 0;
        int verdict = QueryParser.parse(in, index, length, q);
        DnsIndex dns = snapshots.get().dns();
        if (verdict == QueryParser.DROP) {
            meters.droppedMalformed();
            return;
        }
        DnsSettings settings = dns.settings();
        int none = dns.zoneCount();
        int rcode;
        if (verdict == QueryParser.FORMERR) {
            rcode = FORMERR;
        } else if (q.opcode != 0) {
            rcode = NOTIMP;
        } else if (q.edns && q.ednsVersion > 0) {
            rcode = BADVERS;
        } else if (q.qclass != CLASS_IN && q.qclass != CLASS_ANY) {
            rcode = REFUSED;
        } else {
            rcode = switch (q.qtype) {
                case TYPE_OPT, TYPE_TSIG, TYPE_TKEY -> FORMERR;
                case TYPE_MAILA, TYPE_MAILB -> NOTIMP;
                default -> -1;
            };
        }
        if (rcode < 0) {
            int zoneId = dns.findZone(q);
            if (zoneId < 0) {
                rcode = REFUSED;
            } else if (q.qtype == TYPE_AXFR || q.qtype == TYPE_IXFR) {
                rcode = transfer(q, dns.zone(zoneId), client, tcp, alloc, settings, out);
                if (rcode < 0) {
                    meters.answered(dns, zoneId, q.qtype, NOERROR, start);
                    return;
                }
                none = zoneId;
            } else {
                ZoneIndex zone = dns.zone(zoneId);
                int t = zone.answer(q, q.apexLabel);
                boolean slip = false;
                if (!tcp && settings.rateLimit() != null) {
                    int limited = limiter.check(client, settings.rateLimit(), now(start));
                    if (limited == RateLimiter.DROP) {
                        meters.droppedRateLimit();
                        return;
                    }
                    slip = limited == RateLimiter.SLIP;
                    if (slip) {
                        meters.slipped();
                    }
                }
                out.response = template(q, zone.arena, t, tcp, settings, slip, alloc);
                meters.answered(dns, zoneId, q.qtype, Templates.flags(zone.arena, t) & 0xF, start);
                return;
            }
        }
        if (!tcp && settings.rateLimit() != null) {
            int limited = limiter.check(client, settings.rateLimit(), now(start));
            if (limited != RateLimiter.ALLOW) {
                meters.droppedRateLimit();
                return;
            }
        }
        out.response = error(q, rcode, tcp, settings, alloc);
        meters.answered(dns, none, q.qtype, rcode, start);
    }

    private static long now(long start) {
        return start != 0 ? start : System.nanoTime();
    }

    /** AXFR over TCP to allowed clients; IXFR over UDP answered with the SOA (RFC 1995 section 2). */
    private int transfer(Query q, ZoneIndex zone, InetAddress client, boolean tcp, ByteBufAllocator alloc,
                         DnsSettings settings, Outcome out) {
        if (q.apexLabel != 0) {
            return NOTAUTH;
        }
        if (!allowed(zone, client)) {
            return REFUSED;
        }
        if (tcp) {
            byte[] question = new byte[q.qnameLen + 4];
            System.arraycopy(q.packet, 12, question, 0, question.length);
            out.transfer = new TransferRequest(zone, q.id, q.qtype, q.ixfrSerial, question);
            return -1;
        }
        if (q.qtype == TYPE_AXFR) {
            return FORMERR; // AXFR is TCP only (RFC 5936 section 4.2)
        }
        out.response = template(q, zone.arena, zone.soaTemplate, false, settings, false, alloc);
        return -1;
    }

    static boolean allowed(ZoneIndex zone, InetAddress client) {
        for (Cidr c : zone.config().transfer().allow()) {
            if (c.contains(client)) {
                return true;
            }
        }
        return false;
    }

    private static int udpLimit(Query q, DnsSettings settings) {
        return q.edns ? Math.min(q.udpPayload, settings.maxUdpPayload()) : 512;
    }

    private static int headerFlags(Query q, boolean aa, boolean tc, int rcode) {
        return 0x8000 | (q.flags & 0x7800) | (aa ? 0x0400 : 0) | (tc ? 0x0200 : 0) | (q.flags & 0x0110) | (rcode & 0xF);
    }

    /** A response from a template (see {@link Templates}), shifting its compression pointers to fit the question. */
    static ByteBuf template(Query q, byte[] arena, int t, boolean tcp, DnsSettings settings, boolean forceTc,
                            ByteBufAllocator alloc) {
        int flags = Templates.flags(arena, t);
        int main = Templates.mainLen(arena, t);
        int add = Templates.addLen(arena, t);
        int question = q.qnameLen + 4;
        int opt = q.edns ? 11 : 0;
        int size = 12 + question + main + add + opt;
        int limit = tcp ? Query.MAX_MESSAGE : udpLimit(q, settings);
        boolean tc = forceTc;
        boolean withAdditional = true;
        if (!tc && size > limit) {
            if (add > 0 && (flags & Templates.F_ADDITIONAL_REQUIRED) == 0 && size - add <= limit) {
                withAdditional = false;
            } else {
                tc = true;
            }
        }
        int prefix = tcp ? 2 : 0;
        int bodyLen = tc ? 0 : main + (withAdditional ? add : 0);
        ByteBuf out = alloc.ioBuffer(prefix + 12 + question + bodyLen + opt);
        if (tcp) {
            out.writeShort(0);
        }
        out.writeShort(q.id);
        out.writeShort(headerFlags(q, (flags & Templates.F_AA) != 0, tc, flags & 0xF));
        out.writeShort(1);
        out.writeShort(tc ? 0 : Templates.an(arena, t));
        out.writeShort(tc ? 0 : Templates.ns(arena, t));
        out.writeShort((tc || !withAdditional ? 0 : Templates.ar(arena, t)) + (q.edns ? 1 : 0));
        out.writeBytes(q.packet, 12, question);
        if (bodyLen > 0) {
            int bodyStart = out.writerIndex();
            out.writeBytes(arena, Templates.body(arena, t), bodyLen);
            int delta = q.qnameLen - Templates.rlen(arena, t);
            if (delta != 0) {
                int fixups = Templates.fixups(arena, t);
                for (int i = 0, p = t + Templates.HEADER; i < fixups; i++, p += 2) {
                    int at = Templates.u16(arena, p);
                    if (at < bodyLen) {
                        out.setShort(bodyStart + at, out.getUnsignedShort(bodyStart + at) + delta);
                    }
                }
            }
        }
        if (q.edns) {
            writeOpt(out, settings, 0);
        }
        if (tcp) {
            out.setShort(0, out.writerIndex() - 2);
        }
        return out;
    }

    /** A response with no records: the rcode, the question when it parsed, OPT when the query had one. */
    static ByteBuf error(Query q, int rcode, boolean tcp, DnsSettings settings, ByteBufAllocator alloc) {
        int question = q.questionOk ? q.qnameLen + 4 : 0;
        ByteBuf out = alloc.ioBuffer((tcp ? 2 : 0) + 12 + question + 11);
        if (tcp) {
            out.writeShort(0);
        }
        out.writeShort(q.id);
        out.writeShort(headerFlags(q, false, false, rcode));
        out.writeShort(q.questionOk ? 1 : 0);
        out.writeShort(0);
        out.writeShort(0);
        out.writeShort(q.edns ? 1 : 0);
        if (question > 0) {
            out.writeBytes(q.packet, 12, question);
        }
        if (q.edns) {
            writeOpt(out, settings, rcode >> 4);
        }
        if (tcp) {
            out.setShort(0, out.writerIndex() - 2);
        }
        return out;
    }

    /** OPT: root owner, Engawa's payload size, extended rcode, version 0, DO clear (no DNSSEC), no options. */
    private static void writeOpt(ByteBuf out, DnsSettings settings, int extendedRcode) {
        out.writeByte(0);
        out.writeShort(TYPE_OPT);
        out.writeShort(settings.maxUdpPayload());
        out.writeByte(extendedRcode);
        out.writeByte(0);
        out.writeShort(0);
        out.writeShort(0);
    }

    /** A SERVFAIL for a message whose answering failed unexpectedly, when its header can still be read. */
    ByteBuf servfail(boolean tcp, ByteBufAllocator alloc) {
        Query q = QUERIES.get();
        if (q.length < 12) {
            return null;
        }
        return error(q, SERVFAIL, tcp, snapshots.get().dns().settings(), alloc);
    }
}
