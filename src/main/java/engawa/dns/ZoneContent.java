package engawa.dns;

import engawa.config.EdgeConfig;
import engawa.config.ZoneConfig;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A zone's data as DNS sees it, built from its {@link ZoneConfig}: the document's records grouped into RRsets
 * (document order), ALIAS flattened to A/AAAA of {@code edge.addresses}, the apex NS set taken from
 * {@code edge.nameservers} when the zone names none, and the SOA. The one record model the zone index, zone
 * transfers and {@code engawa zone export} share, so they cannot disagree. Immutable; any thread.
 */
public final class ZoneContent {

    /**
     * One RRset: owner (absolute, lower case), type code, TTL and uncompressed RDATA values.
     * {@code aliasSite} is set on the A/AAAA sets an ALIAS answers with.
     */
    public record RRset(String owner, int type, long ttl, List<byte[]> rdata, String aliasSite) {
    }

    private final ZoneConfig zone;
    private final List<RRset> sets;
    private final String digest;

    private ZoneContent(ZoneConfig zone, List<RRset> sets, String digest) {
        this.zone = zone;
        this.sets = sets;
        this.digest = digest;
    }

    /** The content of {@code zone} on an edge with these addresses and name servers. */
    public static ZoneContent of(ZoneConfig zone, EdgeConfig edge) {
        Map<Key, Integer> index = new HashMap<>();
        List<RRset> sets = new ArrayList<>();
        boolean apexNs = false;
        for (ZoneConfig.Record r : zone.records()) {
            if (r.type().equals("ALIAS")) {
                List<byte[]> v4 = new ArrayList<>();
                List<byte[]> v6 = new ArrayList<>();
                for (InetAddress a : edge.addresses()) {
                    (a instanceof Inet4Address ? v4 : v6).add(a.getAddress());
                }
                if (!v4.isEmpty()) {
                    add(index, sets, new RRset(r.name(), Type.A, r.ttl(), v4, r.site()));
                }
                if (!v6.isEmpty()) {
                    add(index, sets, new RRset(r.name(), Type.AAAA, r.ttl(), v6, r.site()));
                }
                continue;
            }
            int type = Type.value(r.type());
            apexNs |= type == Type.NS && r.name().equals(zone.name());
            add(index, sets, new RRset(r.name(), type, r.ttl(), r.rdata(), null));
        }
        if (!apexNs && !edge.nameservers().isEmpty()) {
            List<byte[]> ns = edge.nameservers().stream().map(WireNames::toWire).toList();
            sets.add(new RRset(zone.name(), Type.NS, zone.ttl(), ns, null));
        }
        List<RRset> frozen = new ArrayList<>(sets.size() + 1);
        frozen.add(new RRset(zone.name(), Type.SOA, zone.ttl(), List.of(soaRdata(zone.soa(), 0)), null));
        frozen.addAll(sets);
        return new ZoneContent(zone, List.copyOf(frozen), digest(zone, frozen));
    }

    private record Key(String owner, int type) {
    }

    private static void add(Map<Key, Integer> index, List<RRset> sets, RRset s) {
        // Entries of one name and type in several places of the document make one RRset (same TTL: validated).
        Integer at = index.putIfAbsent(new Key(s.owner(), s.type()), sets.size());
        if (at == null) {
            sets.add(new RRset(s.owner(), s.type(), s.ttl(), new ArrayList<>(s.rdata()), s.aliasSite()));
            return;
        }
        RRset existing = sets.get(at);
        for (byte[] v : s.rdata()) {
            if (existing.rdata().stream().noneMatch(x -> Arrays.equals(x, v))) {
                existing.rdata().add(v);
            }
        }
    }

    public ZoneConfig zone() {
        return zone;
    }

    /** The origin, absolute and lower case ({@code example.test.}). */
    public String origin() {
        return zone.name();
    }

    /** Every RRset, the SOA first (with serial 0: the serial is the index's), then in document order. */
    public List<RRset> sets() {
        return sets;
    }

    /**
     * A digest of everything a secondary would see except the serial: when it changes, the zone changed
     * and its serial must grow.
     */
    public String digest() {
        return digest;
    }

    /** The TTL of the SOA in negative answers (RFC 2308 section 5): the lesser of the SOA's TTL and minimum. */
    public long negativeTtl() {
        return Math.min(zone.ttl(), zone.soa().minimum());
    }

    /** SOA RDATA: primary, contact, serial, refresh, retry, expire, minimum. */
    static byte[] soaRdata(ZoneConfig.Soa soa, long serial) {
        byte[] primary = WireNames.toWire(soa.primary());
        byte[] contact = WireNames.toWire(soa.contact());
        ByteBuffer b = ByteBuffer.allocate(primary.length + contact.length + 20);
        b.put(primary).put(contact).putInt((int) serial).putInt((int) soa.refresh()).putInt((int) soa.retry())
                .putInt((int) soa.expire()).putInt((int) soa.minimum());
        return b.array();
    }

    /**
     * Every record as dnsjava records in canonical order (RFC 4034 section 6.1), the SOA (with
     * {@code serial}) first: what AXFR sends between its two SOAs and what export writes.
     */
    public List<Record> records(long serial) {
        List<Record> out = new ArrayList<>();
        Record soa = null;
        for (RRset s : sets) {
            Name owner = name(s.owner());
            if (s.type() == Type.SOA) {
                soa = Record.newRecord(owner, Type.SOA, DClass.IN, s.ttl(), soaRdata(zone.soa(), serial));
                continue;
            }
            for (byte[] rd : s.rdata()) {
                out.add(Record.newRecord(owner, s.type(), DClass.IN, s.ttl(), rd));
            }
        }
        out.sort(Comparator.comparing(Record::getName).thenComparingInt(Record::getType));
        out.add(0, soa);
        return out;
    }

    static Name name(String absolute) {
        try {
            return Name.fromString(absolute);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(absolute, e);
        }
    }

    /**
     * SHA-256 of the SOA fields, plus the sum (lane-wise, so order does not matter) of one SHA-256 per RRset
     * over its owner, type, TTL and sorted values: reordering the document's records changes nothing.
     */
    private static String digest(ZoneConfig zone, List<RRset> sets) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer b = ByteBuffer.allocate(64);
            ZoneConfig.Soa soa = zone.soa();
            b.putLong(zone.ttl()).putLong(soa.refresh()).putLong(soa.retry()).putLong(soa.expire()).putLong(soa.minimum());
            md.update(b.array(), 0, b.position());
            md.update((soa.primary() + " " + soa.contact() + "\n").getBytes(StandardCharsets.UTF_8));
            long[] sum = new long[4];
            ByteBuffer head = ByteBuffer.wrap(md.digest());
            for (int i = 0; i < 4; i++) {
                sum[i] = head.getLong();
            }
            for (RRset s : sets) {
                if (s.type() == Type.SOA) {
                    continue;
                }
                md.update(s.owner().getBytes(StandardCharsets.UTF_8));
                b.clear();
                b.putInt(s.type()).putLong(s.ttl()).putInt(s.rdata().size());
                md.update(b.array(), 0, b.position());
                List<byte[]> values = s.rdata().size() == 1 ? s.rdata() : s.rdata().stream().sorted(Arrays::compare).toList();
                for (byte[] rd : values) {
                    md.update((byte) (rd.length >> 8));
                    md.update((byte) rd.length);
                    md.update(rd);
                }
                ByteBuffer h = ByteBuffer.wrap(md.digest());
                for (int i = 0; i < 4; i++) {
                    sum[i] += h.getLong();
                }
            }
            ByteBuffer out = ByteBuffer.allocate(32);
            for (long l : sum) {
                out.putLong(l);
            }
            return HexFormat.of().formatHex(out.array());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
