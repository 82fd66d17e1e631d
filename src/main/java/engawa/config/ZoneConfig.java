package engawa.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;

/**
 * {@code zones.NAME:} an authoritative zone: default TTL, SOA (the serial is kept by Engawa), records and
 * transfers. Names in records are relative to the zone ({@code @} is the apex) unless they end with a dot;
 * values are in zone-file syntax and are parsed to wire RDATA when the document is read, so a value that
 * does not parse is an error naming its path.
 *
 * <p>Within a zone: a CNAME excludes every other record at its name (and the apex, which has the SOA);
 * an ALIAS excludes A and AAAA; a record set has one TTL; a wildcard cannot be a delegation. NS records
 * below the apex delegate the name: data at or below a delegation is not served (a warning), except the
 * A/AAAA glue of its name servers.
 */
public record ZoneConfig(String name, long ttl, Soa soa, List<Record> records, Transfer transfer) {

    /** SOA fields other than the serial; the negative TTL ({@code minimum}) follows RFC 2308. */
    public record Soa(String primary, String contact, long refresh, long retry, long expire, long minimum) {
    }

    /**
     * One record set entry: owner name (absolute, lower case), type, TTL, values in zone-file syntax and
     * their wire RDATA (same order), {@code site} for ALIAS. {@link #path()} names it in the document.
     */
    public record Record(String name, String type, long ttl, List<String> values, String site, List<byte[]> rdata,
                         String zoneKey, int index) {

        /** Where this record is in the document, e.g. {@code zones.example.test.records[3]}. */
        public String path() {
            return "zones." + zoneKey + ".records[" + index + "]";
        }
    }

    /** Zone transfers (AXFR/IXFR) allowed to these blocks; NOTIFY sent to these HOST:PORT on change. */
    public record Transfer(List<Cidr> allow, List<String> notifyTargets) {
    }

    public static final Set<String> TYPES = Set.of(
            "A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "CAA", "PTR", "HTTPS", "SVCB", "ALIAS");

    public static ZoneConfig read(String zoneName, Node n) {
        n.keys("ttl", "soa", "records", "transfer");
        String origin = Names.absolute(zoneName);
        Name originName = dnsName(origin);
        long ttl = n.get("ttl").integer(3600, 0, Integer.MAX_VALUE);
        Node soaNode = n.get("soa");
        soaNode.keys("primary", "contact", "refresh", "retry", "expire", "minimum");
        String primary = absoluteName(soaNode.get("primary"), origin, "ns1." + origin);
        String contact = absoluteName(soaNode.get("contact"), origin, "hostmaster." + origin);
        Soa soa = new Soa(primary, contact,
                seconds(soaNode.get("refresh"), 3600), seconds(soaNode.get("retry"), 600),
                seconds(soaNode.get("expire"), 604800), seconds(soaNode.get("minimum"), Math.min(ttl, 300)));
        List<Record> records = new ArrayList<>();
        List<Node> recordNodes = n.get("records").list();
        for (int i = 0; i < recordNodes.size(); i++) {
            Record r = readRecord(recordNodes.get(i), zoneName, i, origin, originName, ttl);
            if (r != null) {
                records.add(r);
            }
        }
        checkRecordSets(n, origin, records);
        Node t = n.get("transfer");
        t.keys("allow", "notify");
        List<Cidr> allow = new ArrayList<>();
        for (Node c : t.get("allow").list()) {
            String s = c.text();
            try {
                if (s != null) {
                    allow.add(Cidr.parse(s));
                }
            } catch (IllegalArgumentException e) {
                c.error(e.getMessage());
            }
        }
        List<String> notify = new ArrayList<>();
        for (Node h : t.get("notify").list()) {
            String s = h.text();
            if (s == null) {
                continue;
            }
            try {
                BindAddress b = BindAddress.parse(s);
                if (b.allAddresses() || b.port() == 0) {
                    h.error("\"" + s + "\" is not HOST:PORT");
                } else {
                    notify.add(s);
                }
            } catch (IllegalArgumentException e) {
                h.error(e.getMessage());
            }
        }
        return new ZoneConfig(origin, ttl, soa, List.copyOf(records), new Transfer(List.copyOf(allow), List.copyOf(notify)));
    }

    private static Record readRecord(Node r, String zoneKey, int index, String origin, Name originName, long zoneTtl) {
        r.keys("name", "type", "ttl", "values", "site");
        String name = absoluteIn(r.get("name"), origin, null);
        Node typeNode = r.get("type");
        String type = typeNode.text();
        if (type != null) {
            type = canonicalType(type);
            if (type == null) {
                typeNode.error("\"" + typeNode.text(null) + "\" is not a record type Engawa serves ("
                        + String.join(", ", new TreeSet<>(TYPES)) + ")");
            } else if (type.equals("SOA")) {
                typeNode.error("the SOA comes from the zone's soa: settings (Engawa keeps the serial), not from records");
                type = null;
            }
        }
        long rttl = r.get("ttl").integer(zoneTtl, 0, Integer.MAX_VALUE);
        List<Node> valueNodes = r.get("values").list();
        String site = r.get("site").text(null);
        List<String> values = new ArrayList<>(valueNodes.size());
        List<byte[]> rdata = new ArrayList<>(valueNodes.size());
        boolean valid = name != null && type != null;
        if ("ALIAS".equals(type)) {
            if (site == null) {
                r.get("site").error("an ALIAS record names a site (site: NAME)");
                valid = false;
            }
            if (!valueNodes.isEmpty()) {
                r.get("values").error("an ALIAS record has a site, not values");
                valid = false;
            }
        } else if (type != null) {
            if (site != null) {
                r.get("site").error("only ALIAS records name a site");
                valid = false;
            }
            if (valueNodes.isEmpty()) {
                r.get("values").error("a " + type + " record needs at least one value");
                valid = false;
            }
            for (Node v : valueNodes) {
                String s = v.text(null);
                if (s == null) {
                    if (!v.present()) {
                        v.error("expected a value, got null");
                    }
                    valid = false;
                    continue;
                }
                try {
                    rdata.add(RecordValues.parse(type, s, originName));
                    values.add(s);
                } catch (IllegalArgumentException e) {
                    v.error(e.getMessage());
                    valid = false;
                }
            }
        }
        if (valid && name.startsWith("*.") && type.equals("NS")) {
            r.get("name").error("a wildcard cannot be a delegation (NS records at \"" + name + "\")");
            valid = false;
        }
        return valid ? new Record(name, type, rttl, List.copyOf(values), site, List.copyOf(rdata), zoneKey, index) : null;
    }

    /** The type as Engawa spells it (the shared constant, so a million records hold one string), or null. */
    private static String canonicalType(String type) {
        String t = type.toUpperCase(Locale.ROOT);
        for (String known : TYPES) {
            if (known.equals(t)) {
                return known;
            }
        }
        return null;
    }

    /** Rules that need every record of the zone: CNAME and ALIAS exclusivity, one TTL per set, delegations. */
    private static void checkRecordSets(Node zone, String origin, List<Record> records) {
        Problems p = zone.problems();
        Map<String, Map<String, Record>> byName = new HashMap<>();
        Set<String> cuts = new TreeSet<>();
        for (Record r : records) {
            Map<String, Record> types = byName.computeIfAbsent(r.name(), k -> new LinkedHashMap<>(4));
            Record first = types.putIfAbsent(r.type(), r);
            if (first != null) {
                if (first.ttl() != r.ttl()) {
                    p.error(r.path() + ".ttl", "a record set has one TTL: " + r.name() + " " + r.type() + " has "
                            + first.ttl() + " at " + first.path() + " and " + r.ttl() + " here");
                }
                if (r.type().equals("CNAME") || r.type().equals("ALIAS")) {
                    p.error(r.path(), r.name() + " has a " + r.type() + " already (" + first.path() + "); a name has one");
                }
            } else if (r.type().equals("CNAME") && r.values().size() > 1) {
                p.error(r.path() + ".values", "a CNAME has exactly one value");
            }
            if (r.type().equals("NS") && !r.name().equals(origin)) {
                cuts.add(r.name());
            }
        }
        byName.forEach((name, types) -> {
            Record cname = types.get("CNAME");
            if (cname != null && name.equals(origin)) {
                p.error(cname.path(), "the zone apex cannot have a CNAME (it has the SOA and NS records); use ALIAS");
            } else if (cname != null && types.size() > 1) {
                Record other = types.values().stream().filter(x -> x != cname).findFirst().orElseThrow();
                p.error(cname.path(), "a CNAME excludes every other record at its name, and " + name + " has "
                        + other.type() + " at " + other.path());
            }
            Record alias = types.get("ALIAS");
            if (alias != null) {
                for (String t : List.of("A", "AAAA")) {
                    if (types.containsKey(t)) {
                        p.error(alias.path(), "an ALIAS answers A and AAAA at " + name + ", which also has " + t
                                + " at " + types.get(t).path() + ": keep one or the other");
                    }
                }
            }
        });
        if (cuts.isEmpty()) {
            return;
        }
        for (Record r : records) {
            String cut = cutAtOrAbove(r.name(), origin, cuts);
            if (cut == null) {
                continue;
            }
            boolean atCut = cut.equals(r.name());
            boolean served = atCut ? r.type().equals("NS") : r.type().equals("A") || r.type().equals("AAAA");
            if (!served) {
                p.warning(r.path(), r.name() + " " + r.type() + " is not served: " + (atCut ? "" : "below ")
                        + "the delegation of " + cut + " (only its NS records and the A/AAAA glue below it are)");
            }
        }
    }

    /** The highest delegation point at or above {@code name}, or null. */
    static String cutAtOrAbove(String name, String origin, Set<String> cuts) {
        String found = null;
        String n = name;
        while (n != null && !n.equals(origin) && n.endsWith("." + origin)) {
            if (cuts.contains(n)) {
                found = n;
            }
            n = parent(n);
        }
        return found;
    }

    private static String parent(String name) {
        int dot = name.indexOf('.');
        return dot < 0 || dot == name.length() - 1 ? null : name.substring(dot + 1);
    }

    /** A name relative to {@code origin} ({@code @} is the origin itself), made absolute and lower case. */
    static String absoluteIn(Node n, String origin, String defaultValue) {
        String s = defaultValue == null ? n.text() : n.text(null);
        if (s == null) {
            return defaultValue;
        }
        String abs = absolute(s, origin);
        if (!isOwnerName(abs)) {
            n.error("\"" + s + "\" is not a domain name");
            return defaultValue;
        }
        if (!abs.equals(origin) && !abs.endsWith("." + origin)) {
            n.error("\"" + s + "\" is outside the zone " + origin);
            return defaultValue;
        }
        return abs;
    }

    /**
     * An owner name: host-name labels, any of which may be {@code *} (only a leftmost one makes a wildcard,
     * RFC 4592), at most 255 bytes on the wire.
     */
    private static boolean isOwnerName(String absolute) {
        String n = Names.stripDot(absolute);
        if (n.isEmpty() || n.length() > 253) {
            return false;
        }
        for (String label : n.split("\\.", -1)) {
            if (!label.equals("*") && !Names.isHostName(label)) {
                return false;
            }
        }
        return true;
    }

    /** A name anywhere (the SOA's primary and contact), relative to {@code origin} unless it ends with a dot. */
    private static String absoluteName(Node n, String origin, String defaultValue) {
        String s = n.text(null);
        if (s == null) {
            return defaultValue;
        }
        String abs = absolute(s, origin);
        if (!Names.isHostName(Names.stripDot(abs))) {
            n.error("\"" + s + "\" is not a domain name");
            return defaultValue;
        }
        return abs;
    }

    private static String absolute(String s, String origin) {
        if (s.equals("@")) {
            return origin;
        }
        String lower = s.toLowerCase(Locale.ROOT);
        return s.endsWith(".") ? lower : lower + "." + origin;
    }

    private static Name dnsName(String absolute) {
        try {
            return Name.fromString(absolute);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(absolute, e);
        }
    }

    private static long seconds(Node n, long def) {
        if (n.present() && n.isText()) {
            return n.duration(java.time.Duration.ofSeconds(def)).toSeconds();
        }
        return n.integer(def, 0, Integer.MAX_VALUE);
    }
}
