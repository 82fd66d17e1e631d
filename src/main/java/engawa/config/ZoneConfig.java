package engawa.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code zones.NAME:} an authoritative zone: default TTL, SOA (the serial is kept by Engawa) and records.
 * Names in records are relative to the zone ({@code @} is the apex) unless they end with a dot.
 */
public record ZoneConfig(String name, long ttl, Soa soa, List<Record> records, Transfer transfer) {

    /** SOA fields other than the serial; the negative TTL ({@code minimum}) follows RFC 2308. */
    public record Soa(String primary, String contact, long refresh, long retry, long expire, long minimum) {
    }

    /**
     * One record set entry: owner name (absolute, lower case), type, TTL, and values in zone-file syntax;
     * {@code site} for ALIAS.
     */
    public record Record(String name, String type, long ttl, List<String> values, String site, String path) {
    }

    /** Zone transfers (AXFR/IXFR) allowed to these blocks; NOTIFY sent to these HOST:PORT on change. */
    public record Transfer(List<Cidr> allow, List<String> notifyTargets) {
    }

    public static final Set<String> TYPES = Set.of(
            "A", "AAAA", "CNAME", "MX", "TXT", "NS", "SOA", "SRV", "CAA", "PTR", "HTTPS", "SVCB", "ALIAS");

    static ZoneConfig read(String zoneName, Node n) {
        n.keys("ttl", "soa", "records", "transfer");
        String origin = Names.absolute(zoneName);
        long ttl = n.get("ttl").integer(3600, 0, Integer.MAX_VALUE);
        Node soaNode = n.get("soa");
        soaNode.keys("primary", "contact", "refresh", "retry", "expire", "minimum");
        String primary = absoluteIn(soaNode.get("primary"), origin, "ns1." + origin);
        String contact = absoluteIn(soaNode.get("contact"), origin, "hostmaster." + origin);
        Soa soa = new Soa(primary, contact,
                seconds(soaNode.get("refresh"), 3600), seconds(soaNode.get("retry"), 600),
                seconds(soaNode.get("expire"), 604800), seconds(soaNode.get("minimum"), Math.min(ttl, 300)));
        List<Record> records = new ArrayList<>();
        for (Node r : n.get("records").list()) {
            r.keys("name", "type", "ttl", "values", "site");
            String name = absoluteIn(r.get("name"), origin, null);
            Node typeNode = r.get("type");
            String type = typeNode.text();
            if (type != null) {
                type = type.toUpperCase(Locale.ROOT);
                if (!TYPES.contains(type)) {
                    typeNode.error("\"" + type + "\" is not a record type Engawa serves (" + String.join(", ", TYPES.stream().sorted().toList()) + ")");
                    type = null;
                }
            }
            long rttl = r.get("ttl").integer(ttl, 0, Integer.MAX_VALUE);
            List<String> values = r.get("values").strings();
            String site = r.get("site").text(null);
            if ("ALIAS".equals(type)) {
                if (site == null) {
                    r.get("site").error("an ALIAS record names a site (site: NAME)");
                }
                if (!values.isEmpty()) {
                    r.get("values").error("an ALIAS record has a site, not values");
                }
            } else if (type != null) {
                if (site != null) {
                    r.get("site").error("only ALIAS records name a site");
                }
                if (values.isEmpty()) {
                    r.get("values").error("a " + type + " record needs at least one value");
                }
            }
            if (name != null && type != null) {
                records.add(new Record(name, type, rttl, List.copyOf(values), site, r.path()));
            }
        }
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

    /** A name relative to {@code origin} ({@code @} is the origin itself), made absolute and lower case. */
    static String absoluteIn(Node n, String origin, String defaultValue) {
        String s = defaultValue == null ? n.text() : n.text(null);
        if (s == null) {
            return defaultValue;
        }
        String abs;
        if (s.equals("@")) {
            abs = origin;
        } else if (s.endsWith(".")) {
            abs = s.toLowerCase(Locale.ROOT);
        } else {
            abs = s.toLowerCase(Locale.ROOT) + "." + origin;
        }
        String bare = abs.startsWith("*.") ? abs.substring(2) : abs;
        if (!Names.isHostName(Names.stripDot(bare))) {
            n.error("\"" + s + "\" is not a domain name");
            return defaultValue;
        }
        if (!abs.equals(origin) && !abs.endsWith("." + origin)) {
            n.error("\"" + s + "\" is outside the zone " + origin);
            return defaultValue;
        }
        return abs;
    }

    private static long seconds(Node n, long def) {
        if (n.present() && n.isText()) {
            return n.duration(java.time.Duration.ofSeconds(def)).toSeconds();
        }
        return n.integer(def, 0, Integer.MAX_VALUE);
    }
}
