package engawa.dns;

/**
 * The hash of a domain name as the zone index and the packet path both compute it: per label (lower case,
 * FNV-1a), chained from the root towards the leftmost label. Chaining from the right gives every suffix of a
 * query name its hash in one pass, so finding the zone (longest suffix), the closest encloser and the
 * wildcard each cost one table probe per candidate and no allocation.
 */
final class NameHash {
    static final long ROOT = 0x6a09e667f3bcc908L;
    static final long STAR = label(new byte[] {'*'}, 0, 1);

    private NameHash() {
    }

    /** The hash of one label's bytes, which must already be lower case. */
    static long label(byte[] b, int off, int len) {
        long h = 0xcbf29ce484222325L ^ len;
        for (int i = off, end = off + len; i < end; i++) {
            h ^= b[i] & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** The hash of {@code label.suffix} from the hashes of the suffix and of the label. */
    static long extend(long suffix, long label) {
        long h = (Long.rotateLeft(suffix, 31) ^ label) * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 32);
    }

    /** The hash of a whole lower-case wire name starting at {@code off}. */
    static long of(byte[] wire, int off) {
        int len = wire[off] & 0xff;
        if (len == 0) {
            return ROOT;
        }
        return extend(of(wire, off + 1 + len), label(wire, off + 1, len));
    }

    static int slot(long hash, int mask) {
        return (int) (hash ^ (hash >>> 29)) & mask;
    }
}
