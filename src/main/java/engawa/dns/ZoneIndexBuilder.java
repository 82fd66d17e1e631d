package engawa.dns;

import engawa.config.EdgeConfig;
import engawa.config.ZoneConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Type;

/**
 * Compiles a zone's {@link ZoneContent} into a {@link ZoneIndex}: builds the name tree (with empty
 * non-terminals), marks delegations, occluded names and wildcards, works out every answer the RFC 1034
 * algorithm gives (CNAME chains inside the zone followed, referrals with glue, RFC 2308 negative answers) and
 * renders each into a template. Runs on the compiling thread; the result is shared read-only.
 */
final class ZoneIndexBuilder {
    private static final int MAX_CHAIN = 16;

    private final ZoneContent content;
    private final String origin;
    private final Map<String, Node> nodes = new LinkedHashMap<>();
    private final Templates.Arena arena = new Templates.Arena();
    private final List<Integer> serials = new ArrayList<>();
    private final Templates.Writer writer = new Templates.Writer(arena, serials);
    private Answer.Rr negativeSoa;

    /** A name while compiling. */
    private static final class Node {
        final String name;
        final List<ZoneContent.RRset> sets = new ArrayList<>(1);
        int flags;
        Node cut;
        int id;

        Node(String name) {
            this.name = name;
        }

        ZoneContent.RRset get(int type) {
            for (ZoneContent.RRset s : sets) {
                if (s.type() == type) {
                    return s;
                }
            }
            return null;
        }

        boolean delegated() {
            return (flags & (ZoneIndex.F_CUT | ZoneIndex.F_OCCLUDED)) != 0;
        }
    }

    private final EdgeConfig edge;

    private ZoneIndexBuilder(ZoneContent content, EdgeConfig edge) {
        this.content = content;
        this.edge = edge;
        this.origin = content.origin();
    }

    /** Compiles {@code zone}; throws IllegalArgumentException when an answer cannot be a DNS message. */
    static ZoneIndex build(ZoneConfig zone, EdgeConfig edge) {
        return new ZoneIndexBuilder(ZoneContent.of(zone, edge), edge).build();
    }

    private ZoneIndex build() {
        node(origin);
        for (ZoneContent.RRset s : content.sets()) {
            node(s.owner()).sets.add(s);
        }
        markDelegations();
        for (Node n : nodes.values()) {
            if (n.name.startsWith("*.")) {
                nodes.get(parent(n.name)).flags |= ZoneIndex.F_WILD_CHILD;
            }
            if (!n.sets.isEmpty()) {
                n.flags |= ZoneIndex.F_DATA;
            }
        }
        ZoneContent.RRset soa = nodes.get(origin).get(Type.SOA);
        negativeSoa = new Answer.Rr(origin, Type.SOA, content.negativeTtl(), soa.rdata());

        byte[] apexWire = WireNames.toWire(origin);
        Answer nodataAnswer = new Answer();
        nodataAnswer.authority.add(negativeSoa);
        int nodata = writer.write(apexWire, Templates.Mode.SUFFIX, nodataAnswer);
        Answer nxAnswer = new Answer();
        nxAnswer.rcode = 3;
        nxAnswer.authority.add(negativeSoa);
        int nxdomain = writer.write(apexWire, Templates.Mode.SUFFIX, nxAnswer);

        int count = nodes.size();
        long[] hashes = new long[count];
        int[] nameOff = new int[count + 1];
        byte[] flags = new byte[count];
        int[] link = new int[count];
        int[] dirOff = new int[count];
        IntList dir = new IntList(count * 3);
        Templates.Arena names = new Templates.Arena();
        Map<Node, Integer> referrals = new LinkedHashMap<>();
        int id = 0;
        int soaTemplate = -1;
        for (Node n : nodes.values()) {
            n.id = id;
            byte[] wire = WireNames.toWire(n.name);
            hashes[id] = NameHash.of(wire, 0);
            nameOff[id] = names.append(wire, 0, wire.length);
            flags[id] = (byte) n.flags;
            link[id] = -1;
            dirOff[id] = -1;
            if (n.delegated()) {
                link[id] = referrals.computeIfAbsent(n.cut, this::referral);
            } else if (!n.sets.isEmpty()) {
                dirOff[id] = directory(n, wire, dir);
                if (n.name.equals(origin)) {
                    soaTemplate = dir.find(dirOff[id], Type.SOA);
                }
            }
            id++;
        }
        nameOff[count] = names.size();
        return new ZoneIndex(content.zone(), edge, content.digest(), hashes, nameOff, names.toArray(), flags, link,
                dirOff, dir.toArray(), arena.toArray(), nodata, nxdomain,
                soaTemplate, serials.stream().mapToInt(Integer::intValue).toArray());
    }

    /** The node for {@code name}, created with its ancestors up to the apex (empty non-terminals). */
    private Node node(String name) {
        Node n = nodes.get(name);
        if (n != null) {
            return n;
        }
        if (!name.equals(origin)) {
            node(parent(name));
        }
        n = new Node(name);
        nodes.put(name, n);
        return n;
    }

    /** Marks delegation points (NS below the apex) and everything below them, each tied to its highest cut. */
    private void markDelegations() {
        List<Node> cuts = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (!n.name.equals(origin) && n.get(Type.NS) != null) {
                cuts.add(n);
            }
        }
        if (cuts.isEmpty()) {
            return;
        }
        Set<String> cutNames = new HashSet<>();
        cuts.forEach(c -> cutNames.add(c.name));
        for (Node n : nodes.values()) {
            Node highest = null;
            for (String a = n.name; !a.equals(origin); a = parent(a)) {
                if (cutNames.contains(a)) {
                    highest = nodes.get(a);
                }
            }
            if (highest == n) {
                n.flags |= ZoneIndex.F_CUT;
                n.cut = n;
            } else if (highest != null) {
                n.flags |= ZoneIndex.F_OCCLUDED;
                n.cut = highest;
            }
        }
    }

    /** A referral to {@code cut}: its NS set in authority, the addresses of its servers in additional, AA clear. */
    private int referral(Node cut) {
        Answer a = new Answer();
        a.authoritative = false;
        ZoneContent.RRset ns = cut.get(Type.NS);
        a.authority.add(rr(cut.name, ns));
        Set<String> seen = new HashSet<>();
        for (byte[] rd : ns.rdata()) {
            String target = WireNames.toText(lower(rd), 0);
            if (seen.add(target) && addAddresses(a, target, true)
                    && (target.equals(cut.name) || target.endsWith("." + cut.name))) {
                // Glue inside the delegated zone cannot be found any other way (RFC 9471): it must fit.
                a.additionalRequired = true;
            }
        }
        return writer.write(WireNames.toWire(cut.name), Templates.Mode.SUFFIX, a);
    }

    /** Writes a data node's answers: one per type it has, and for a CNAME the chain per type it reaches. */
    private int directory(Node n, byte[] wire, IntList dir) {
        Templates.Mode mode = n.name.startsWith("*.") ? Templates.Mode.WILDCARD : Templates.Mode.EXACT;
        IntList entries = new IntList(4);
        ZoneContent.RRset cname = n.get(Type.CNAME);
        if (cname != null) {
            entries.add(Type.CNAME);
            entries.add(writer.write(wire, mode, answer(n, Type.CNAME)));
            for (int type : chainTypes(cname)) {
                if (type != Type.CNAME) {
                    entries.add(type);
                    entries.add(writer.write(wire, mode, answer(n, type)));
                }
            }
            entries.add(ZoneIndex.DEFAULT_TYPE);
            entries.add(writer.write(wire, mode, answer(n, 0)));
        } else {
            for (ZoneContent.RRset s : n.sets) {
                entries.add(s.type());
                entries.add(writer.write(wire, mode, answer(n, s.type())));
            }
        }
        int at = dir.size();
        dir.add(entries.size() / 2);
        dir.addAll(entries);
        return at;
    }

    /** The answer to {@code qtype} at data node {@code n} (owner: the query name). */
    private Answer answer(Node n, int qtype) {
        Answer a = new Answer();
        ZoneContent.RRset cname = n.get(Type.CNAME);
        if (cname != null && qtype != Type.CNAME) {
            a.answer.add(rr(null, cname));
            follow(a, n.name, cname, qtype);
            return a;
        }
        ZoneContent.RRset set = n.get(qtype);
        a.answer.add(rr(null, set));
        additional(a, set);
        return a;
    }

    /** Follows a CNAME chain inside the zone (RFC 1034 section 4.3.2 step 3a), at most {@value MAX_CHAIN} links. */
    private void follow(Answer a, String owner, ZoneContent.RRset cname, int qtype) {
        Set<String> visited = new HashSet<>();
        visited.add(owner);
        String target = WireNames.toText(lower(cname.rdata().get(0)), 0);
        for (int hop = 0; hop < MAX_CHAIN && visited.add(target); hop++) {
            Found f = find(target);
            switch (f.kind) {
                case OUT -> {
                    return;
                }
                case REFERRAL -> {
                    ZoneContent.RRset ns = f.node.get(Type.NS);
                    a.authority.add(rr(f.node.name, ns));
                    for (byte[] rd : ns.rdata()) {
                        addAddresses(a, WireNames.toText(lower(rd), 0), true);
                    }
                    return;
                }
                case NX -> {
                    // RFC 6604: the rcode is that of the last name in the chain.
                    a.rcode = 3;
                    a.authority.add(negativeSoa);
                    return;
                }
                default -> {
                    ZoneContent.RRset next = f.node.get(Type.CNAME);
                    if (next != null && qtype != Type.CNAME) {
                        a.answer.add(rr(target, next));
                        target = WireNames.toText(lower(next.rdata().get(0)), 0);
                        continue;
                    }
                    ZoneContent.RRset set = f.node.get(qtype);
                    if (set == null) {
                        a.authority.add(negativeSoa);
                    } else {
                        a.answer.add(rr(target, set));
                        additional(a, set);
                    }
                    return;
                }
            }
        }
    }

    /** The types present at the names a CNAME chain reaches: each gets its own precomputed answer. */
    private Set<Integer> chainTypes(ZoneContent.RRset cname) {
        Set<Integer> types = new LinkedHashSet<>();
        Set<String> visited = new HashSet<>();
        String target = WireNames.toText(lower(cname.rdata().get(0)), 0);
        for (int hop = 0; hop < MAX_CHAIN && visited.add(target); hop++) {
            Found f = find(target);
            if (f.kind != Kind.EXACT && f.kind != Kind.WILD) {
                break;
            }
            f.node.sets.forEach(s -> types.add(s.type()));
            ZoneContent.RRset next = f.node.get(Type.CNAME);
            if (next == null) {
                break;
            }
            target = WireNames.toText(lower(next.rdata().get(0)), 0);
        }
        return types;
    }

    /** Addresses of the names an MX, SRV or NS set points at, when this zone has them (RFC 1034 section 3.6.2). */
    private void additional(Answer a, ZoneContent.RRset set) {
        int nameAt = switch (set.type()) {
            case Type.MX -> 2;
            case Type.SRV -> 6;
            case Type.NS -> 0;
            default -> -1;
        };
        if (nameAt < 0) {
            return;
        }
        Set<String> seen = new HashSet<>();
        for (byte[] rd : set.rdata()) {
            String target = WireNames.toText(lower(rd), nameAt);
            if (seen.add(target)) {
                addAddresses(a, target, set.type() == Type.NS);
            }
        }
    }

    /** Adds the A and AAAA sets of {@code name} (glue below a cut only when {@code glue}); true when any. */
    private boolean addAddresses(Answer a, String name, boolean glue) {
        Node n = nodes.get(name);
        if (n == null || (n.delegated() && !glue)) {
            return false;
        }
        boolean any = false;
        for (int type : new int[] {Type.A, Type.AAAA}) {
            ZoneContent.RRset s = n.get(type);
            if (s != null) {
                a.additional.add(rr(name, s));
                any = true;
            }
        }
        return any;
    }

    private enum Kind { OUT, NX, EXACT, WILD, REFERRAL }

    private record Found(Kind kind, Node node) {
    }

    /** Where a name leads in this zone, as the packet path would find it. */
    private Found find(String name) {
        if (!name.equals(origin) && !name.endsWith("." + origin)) {
            return new Found(Kind.OUT, null);
        }
        Node n = nodes.get(name);
        if (n != null) {
            return n.delegated() ? new Found(Kind.REFERRAL, n.cut) : new Found(Kind.EXACT, n);
        }
        for (String e = parent(name); ; e = parent(e)) {
            Node encloser = nodes.get(e);
            if (encloser == null) {
                continue;
            }
            if (encloser.delegated()) {
                return new Found(Kind.REFERRAL, encloser.cut);
            }
            Node wild = nodes.get("*." + e);
            return wild != null ? new Found(Kind.WILD, wild) : new Found(Kind.NX, null);
        }
    }

    private static Answer.Rr rr(String owner, ZoneContent.RRset s) {
        return new Answer.Rr(owner, s.type(), s.ttl(), s.rdata());
    }

    private static String parent(String name) {
        return name.substring(name.indexOf('.') + 1);
    }

    private static byte[] lower(byte[] wire) {
        byte[] out = wire.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = WireNames.lower(out[i]);
        }
        return out;
    }

    /** A growable int array. */
    static final class IntList {
        private int[] values;
        private int size;

        IntList(int capacity) {
            values = new int[Math.max(4, capacity)];
        }

        void add(int v) {
            if (size == values.length) {
                values = java.util.Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        void addAll(IntList other) {
            for (int i = 0; i < other.size; i++) {
                add(other.values[i]);
            }
        }

        int size() {
            return size;
        }

        /** In a directory at {@code at} (count, then type/template pairs), the template for {@code type}. */
        int find(int at, int type) {
            for (int i = 0; i < values[at]; i++) {
                if (values[at + 1 + 2 * i] == type) {
                    return values[at + 2 + 2 * i];
                }
            }
            return -1;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(values, size);
        }
    }
}
