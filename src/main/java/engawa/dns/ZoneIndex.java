package engawa.dns;

import engawa.config.EdgeConfig;
import engawa.config.ZoneConfig;
import java.util.Arrays;

/**
 * One zone compiled for answering: every name of the zone (with its empty non-terminals) in an
 * open-addressing table keyed by {@link NameHash}, and for each name the precomputed {@link Templates} of its
 * answers per query type, all in one byte arena. Lookups allocate nothing and take no lock.
 *
 * <p>Immutable once published; the SOA serial is written into the arena before the snapshot holding this
 * index is installed ({@link #serial(long)}), never after.
 */
public final class ZoneIndex {
    static final int F_DATA = 1;
    static final int F_CUT = 2;
    static final int F_OCCLUDED = 4;
    static final int F_WILD_CHILD = 8;

    /** Directory type of the answer for query types a CNAME chain does not name. */
    static final int DEFAULT_TYPE = -1;
    static final int TYPE_DS = 43;
    static final int TYPE_ANY = 255;

    private final ZoneConfig config;
    private final EdgeConfig edge;
    private final String digest;
    final byte[] apex;
    private final long[] hashes;
    private final int[] nameOff;
    private final byte[] names;
    private final byte[] flags;
    private final int[] link;
    private final int[] dirOff;
    private final int[] dir;
    private final int[] table;
    private final int mask;
    final byte[] arena;
    final int nodata;
    final int nxdomain;
    /** The SOA answer at the apex (IXFR over UDP answers with it). */
    final int soaTemplate;
    private final int[] serialOffsets;
    private long serial = -1;

    ZoneIndex(ZoneConfig config, EdgeConfig edge, String digest, long[] hashes, int[] nameOff, byte[] names,
              byte[] flags, int[] link, int[] dirOff, int[] dir, byte[] arena, int nodata, int nxdomain,
              int soaTemplate, int[] serialOffsets) {
        this.config = config;
        this.edge = edge;
        this.digest = digest;
        this.apex = WireNames.toWire(config.name());
        this.hashes = hashes;
        this.nameOff = nameOff;
        this.names = names;
        this.flags = flags;
        this.link = link;
        this.dirOff = dirOff;
        this.dir = dir;
        this.arena = arena;
        this.nodata = nodata;
        this.nxdomain = nxdomain;
        this.soaTemplate = soaTemplate;
        this.serialOffsets = serialOffsets;
        int size = Integer.highestOneBit(Math.max(4, hashes.length * 2 - 1)) << 1;
        this.table = new int[size];
        this.mask = size - 1;
        for (int id = 0; id < hashes.length; id++) {
            int s = NameHash.slot(hashes[id], mask);
            while (table[s] != 0) {
                s = (s + 1) & mask;
            }
            table[s] = id + 1;
        }
    }

    /** The zone's name, absolute and lower case. */
    public String name() {
        return config.name();
    }

    public ZoneConfig config() {
        return config;
    }

    /** The zone's content, rebuilt from the config (for transfers and exports, not for answering). */
    public ZoneContent content() {
        return ZoneContent.of(config, edge);
    }

    public String digest() {
        return digest;
    }

    /** The SOA serial, or -1 before one was set. */
    public long serial() {
        return serial;
    }

    /** How many names (with empty non-terminals) the index holds. */
    public int size() {
        return hashes.length;
    }

    /** Bytes of precomputed answers. */
    public int arenaSize() {
        return arena.length;
    }

    /** Sets the SOA serial everywhere a template holds it. Only before the index is published. */
    void serial(long value) {
        for (int at : serialOffsets) {
            arena[at] = (byte) (value >>> 24);
            arena[at + 1] = (byte) (value >>> 16);
            arena[at + 2] = (byte) (value >>> 8);
            arena[at + 3] = (byte) value;
        }
        this.serial = value;
    }

    /**
     * The template answering {@code q}, whose suffix at label {@code apexLabel} is this zone's apex: an exact
     * name's answer for the query type, a referral for names at or below a delegation, a wildcard's answer
     * when the closest encloser has one (RFC 4592), NODATA or NXDOMAIN.
     */
    int answer(Query q, int apexLabel) {
        int node = find(q, 0);
        if (node >= 0) {
            return forNode(node, q.qtype, true);
        }
        int encloser = -1;
        int at = 1;
        for (; at <= apexLabel; at++) {
            encloser = find(q, at);
            if (encloser >= 0) {
                break;
            }
        }
        int f = flags[encloser];
        if ((f & (F_CUT | F_OCCLUDED)) != 0) {
            return link[encloser];
        }
        if ((f & F_WILD_CHILD) != 0) {
            int wild = findWildcard(q, at);
            if (wild >= 0) {
                return forNode(wild, q.qtype, false);
            }
        }
        return nxdomain;
    }

    private int forNode(int node, int qtype, boolean exact) {
        int f = flags[node];
        if ((f & (F_CUT | F_OCCLUDED)) != 0) {
            // The parent side of a delegation holds the DS set (none here: NODATA); everything else is referred.
            return exact && (f & F_CUT) != 0 && qtype == TYPE_DS ? nodata : link[node];
        }
        int d = dirOff[node];
        if (d < 0) {
            return nodata;
        }
        int n = dir[d];
        if (qtype == TYPE_ANY) {
            return dir[d + 2];
        }
        int fallback = nodata;
        for (int i = 0, p = d + 1; i < n; i++, p += 2) {
            int t = dir[p];
            if (t == qtype) {
                return dir[p + 1];
            }
            if (t == DEFAULT_TYPE) {
                fallback = dir[p + 1];
            }
        }
        return fallback;
    }

    private int find(Query q, int label) {
        long h = q.hashes[label];
        int start = q.labels[label];
        int len = q.qnameLen - start;
        int s = NameHash.slot(h, mask);
        while (true) {
            int id = table[s] - 1;
            if (id < 0) {
                return -1;
            }
            if (hashes[id] == h) {
                int off = nameOff[id];
                if (nameOff[id + 1] - off == len && Arrays.equals(names, off, off + len, q.lower, start, start + len)) {
                    return id;
                }
            }
            s = (s + 1) & mask;
        }
    }

    private int findWildcard(Query q, int label) {
        long h = NameHash.extend(q.hashes[label], NameHash.STAR);
        int start = q.labels[label];
        int len = q.qnameLen - start;
        int s = NameHash.slot(h, mask);
        while (true) {
            int id = table[s] - 1;
            if (id < 0) {
                return -1;
            }
            if (hashes[id] == h) {
                int off = nameOff[id];
                if (nameOff[id + 1] - off == len + 2 && names[off] == 1 && names[off + 1] == '*'
                        && Arrays.equals(names, off + 2, off + 2 + len, q.lower, start, start + len)) {
                    return id;
                }
            }
            s = (s + 1) & mask;
        }
    }
}
