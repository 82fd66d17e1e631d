package engawa.dns;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.xbill.DNS.Type;

/**
 * Precomputed response sections in one byte arena per zone, and the writer that renders {@link Answer}s into
 * it at compile time. A template is everything after the question: the answer, authority and additional
 * records with name compression already done, plus a small header:
 *
 * <pre>
 *   u16 flags (rcode in bits 0-3, AA bit 4, additional-required bit 5)
 *   u16 rlen   wire length of the query name the template was rendered for
 *   u16 an, ns, ar   record counts
 *   u16 mainLen, addLen   bytes of answer+authority, and of additional
 *   u16 nfix, then nfix u16 positions of compression pointers to shift
 *   body
 * </pre>
 *
 * Compression pointers are absolute offsets in the message, and the body follows the question, whose length
 * varies with the query name when a template serves many names (a wildcard, a referral, a negative answer).
 * A pointer to the whole query name (offset 12) never moves; every other pointer moves by the difference
 * between the real query name's length and {@code rlen}, and the fix-up list names them. Templates for one
 * exact name need no fix-ups.
 */
final class Templates {
    static final int HEADER = 16;
    static final int F_AA = 0x10;
    static final int F_ADDITIONAL_REQUIRED = 0x20;

    /** How the query name relates to the name a template is rendered for. */
    enum Mode {
        /** The query name is exactly this name. */
        EXACT,
        /** This name is a wildcard {@code *.E}; the query name is any name it synthesizes. */
        WILDCARD,
        /** This name is a suffix of the query name (a referral's cut, a negative answer's apex). */
        SUFFIX
    }

    private Templates() {
    }

    static int flags(byte[] a, int t) {
        return u16(a, t);
    }

    static int rlen(byte[] a, int t) {
        return u16(a, t + 2);
    }

    static int an(byte[] a, int t) {
        return u16(a, t + 4);
    }

    static int ns(byte[] a, int t) {
        return u16(a, t + 6);
    }

    static int ar(byte[] a, int t) {
        return u16(a, t + 8);
    }

    static int mainLen(byte[] a, int t) {
        return u16(a, t + 10);
    }

    static int addLen(byte[] a, int t) {
        return u16(a, t + 12);
    }

    static int fixups(byte[] a, int t) {
        return u16(a, t + 14);
    }

    static int body(byte[] a, int t) {
        return t + HEADER + 2 * fixups(a, t);
    }

    static int u16(byte[] a, int p) {
        return ((a[p] & 0xff) << 8) | (a[p + 1] & 0xff);
    }

    /** A growable byte array. */
    static final class Arena {
        private byte[] bytes = new byte[4096];
        private int size;

        int size() {
            return size;
        }

        int append(byte[] src, int off, int len) {
            ensure(len);
            int at = size;
            System.arraycopy(src, off, bytes, size, len);
            size += len;
            return at;
        }

        void putInt(int at, int v) {
            bytes[at] = (byte) (v >>> 24);
            bytes[at + 1] = (byte) (v >>> 16);
            bytes[at + 2] = (byte) (v >>> 8);
            bytes[at + 3] = (byte) v;
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, size);
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                long want = Math.max((long) bytes.length * 2, (long) size + more);
                if (want > Integer.MAX_VALUE - 16) {
                    throw new IllegalStateException("zone too large for one index (over 2 GiB of answers)");
                }
                bytes = Arrays.copyOf(bytes, (int) want);
            }
        }
    }

    /** Renders answers into an arena; records where SOA serials sit so they can be set later. Not thread-safe. */
    static final class Writer {
        private static final int MAX_POINTER = 0x3FFF - 256;

        private final Arena arena;
        private final List<Integer> serials;
        private byte[] out = new byte[1024];
        private int len;
        private int base;
        private boolean recordFixups;
        private final List<byte[]> dictNames = new ArrayList<>();
        private final List<Integer> dictOffsets = new ArrayList<>();
        private final List<Integer> fixups = new ArrayList<>();
        private final List<Integer> bodySerials = new ArrayList<>();

        Writer(Arena arena, List<Integer> serials) {
            this.arena = arena;
            this.serials = serials;
        }

        /**
         * Renders {@code a} for query names related to {@code name} (lower-case wire form) by {@code mode};
         * returns the template's offset in the arena.
         */
        int write(byte[] name, Mode mode, Answer a) {
            len = 0;
            dictNames.clear();
            dictOffsets.clear();
            fixups.clear();
            bodySerials.clear();
            int rlen = name.length;
            base = 12 + rlen + 4;
            recordFixups = mode != Mode.EXACT;
            // The query name's suffixes are in the question: register them for compression.
            int p = mode == Mode.WILDCARD ? 1 + (name[0] & 0xff) : 0;
            if (mode == Mode.EXACT) {
                register(Arrays.copyOfRange(name, 0, rlen), 12 - base);
                p = 1 + (name[0] & 0xff);
            }
            while (name[p] != 0) {
                register(Arrays.copyOfRange(name, p, rlen), 12 + p - base);
                p += 1 + (name[p] & 0xff);
            }
            for (Answer.Rr rr : a.answer) {
                writeRrset(rr);
            }
            for (Answer.Rr rr : a.authority) {
                writeRrset(rr);
            }
            int mainLen = len;
            for (Answer.Rr rr : a.additional) {
                writeRrset(rr);
            }
            int addLen = len - mainLen;
            if (len > 65000) {
                throw new IllegalArgumentException("the answer is larger than a DNS message can be (" + len + " bytes)");
            }
            int flags = (a.rcode & 0xF) | (a.authoritative ? F_AA : 0) | (a.additionalRequired ? F_ADDITIONAL_REQUIRED : 0);
            byte[] head = new byte[HEADER + 2 * fixups.size()];
            put16(head, 0, flags);
            put16(head, 2, rlen);
            put16(head, 4, count(a.answer));
            put16(head, 6, count(a.authority));
            put16(head, 8, count(a.additional));
            put16(head, 10, mainLen);
            put16(head, 12, addLen);
            put16(head, 14, fixups.size());
            for (int i = 0; i < fixups.size(); i++) {
                put16(head, HEADER + 2 * i, fixups.get(i));
            }
            int at = arena.append(head, 0, head.length);
            int body = arena.append(out, 0, len);
            for (int s : bodySerials) {
                serials.add(body + s);
            }
            return at;
        }

        private static int count(List<Answer.Rr> rrs) {
            int n = 0;
            for (Answer.Rr rr : rrs) {
                n += rr.rdata().size();
            }
            return n;
        }

        private void writeRrset(Answer.Rr rr) {
            byte[] owner = rr.owner() == null ? null : WireNames.toWire(rr.owner());
            for (byte[] rd : rr.rdata()) {
                if (owner == null) {
                    ensure(2);
                    out[len++] = (byte) 0xC0;
                    out[len++] = 12;
                } else {
                    writeName(owner, 0);
                }
                ensure(10);
                put16(out, len, rr.type());
                put16(out, len + 2, 1);
                putInt(out, len + 4, (int) rr.ttl());
                int rdlenAt = len + 8;
                len += 10;
                int start = len;
                writeRdata(rr.type(), rd);
                put16(out, rdlenAt, len - start);
            }
        }

        private void writeRdata(int type, byte[] rd) {
            switch (type) {
                case Type.NS, Type.CNAME, Type.PTR -> writeName(rd, 0);
                case Type.MX -> {
                    raw(rd, 0, 2);
                    writeName(rd, 2);
                }
                case Type.SOA -> {
                    int second = WireNames.length(rd, 0);
                    int rest = second + WireNames.length(rd, second);
                    writeName(rd, 0);
                    writeName(rd, second);
                    bodySerials.add(len);
                    raw(rd, rest, 20);
                }
                default -> raw(rd, 0, rd.length);
            }
        }

        private void raw(byte[] src, int off, int n) {
            ensure(n);
            System.arraycopy(src, off, out, len, n);
            len += n;
        }

        /** Writes the wire name at {@code off} in {@code src}, compressed against what was written before. */
        private void writeName(byte[] src, int off) {
            int p = off;
            while (src[p] != 0) {
                int found = lookup(src, p);
                if (found != Integer.MIN_VALUE) {
                    pointer(found);
                    return;
                }
                int labelLen = src[p] & 0xff;
                if (base + len <= MAX_POINTER) {
                    byte[] suffix = lowerSuffix(src, p);
                    register(suffix, len);
                }
                raw(src, p, labelLen + 1);
                p += labelLen + 1;
            }
            ensure(1);
            out[len++] = 0;
        }

        /** Writes a pointer to body-relative offset {@code rel} (negative: into the question). */
        private void pointer(int rel) {
            int target = base + rel;
            ensure(2);
            // Outside EXACT mode every registered name shifts with the query name's length: in WILDCARD mode the
            // query name itself is never registered (its owner pointer is written directly), and in SUFFIX mode
            // offset 12 holds the suffix, not the query name.
            if (recordFixups) {
                fixups.add(len);
            }
            out[len++] = (byte) (0xC0 | (target >> 8));
            out[len++] = (byte) target;
        }

        private void register(byte[] lowerSuffix, int rel) {
            if (base + rel <= MAX_POINTER) {
                dictNames.add(lowerSuffix);
                dictOffsets.add(rel);
            }
        }

        private int lookup(byte[] src, int p) {
            int n = WireNames.length(src, p);
            for (int i = 0; i < dictNames.size(); i++) {
                byte[] d = dictNames.get(i);
                if (d.length == n && equalsIgnoreCase(d, src, p, n)) {
                    return dictOffsets.get(i);
                }
            }
            return Integer.MIN_VALUE;
        }

        private static boolean equalsIgnoreCase(byte[] lower, byte[] src, int p, int n) {
            for (int i = 0; i < n; i++) {
                if (lower[i] != WireNames.lower(src[p + i])) {
                    return false;
                }
            }
            return true;
        }

        private static byte[] lowerSuffix(byte[] src, int p) {
            int n = WireNames.length(src, p);
            byte[] out = new byte[n];
            for (int i = 0; i < n; i++) {
                out[i] = WireNames.lower(src[p + i]);
            }
            return out;
        }

        private void ensure(int more) {
            if (len + more > out.length) {
                out = Arrays.copyOf(out, Math.max(out.length * 2, len + more));
            }
        }

        private static void put16(byte[] b, int at, int v) {
            b[at] = (byte) (v >>> 8);
            b[at + 1] = (byte) v;
        }

        private static void putInt(byte[] b, int at, int v) {
            b[at] = (byte) (v >>> 24);
            b[at + 1] = (byte) (v >>> 16);
            b[at + 2] = (byte) (v >>> 8);
            b[at + 3] = (byte) v;
        }
    }
}
