package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import engawa.config.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One change a step makes to its instance's config document, applied as one new revision: the runner
 * reads the live document, {@link #apply applies} the change to a copy and PUTs it, after capturing the
 * values at {@link #paths} so that the rollback can put back exactly what was there (a zone's absence, a
 * site's previous hosts, a record list). The same code runs against documents in memory when
 * {@code engawa cutover plan} simulates the plan, so the plan shows what apply will do.
 *
 * <p>{@code apply} throws {@link CutoverException} when the change cannot be made to this document (a zone
 * that already exists, a site that does not); the instance's own validation then has the last word.
 */
public sealed interface ChangeOp {

    /** The other instances' documents, for changes that copy from or point at them. */
    interface Documents {
        JsonNode document(String target);

        /** The instance whose document is being changed. */
        String self();
    }

    String describe();

    /** The document paths this change may write, resolved against the document it will change. */
    List<List<String>> paths(JsonNode doc);

    /** Changes {@code doc} (a copy the caller owns). */
    void apply(ObjectNode doc, Documents others);

    /** Absolute names of the zones on the step's instance whose answers this change may alter. */
    default List<String> zones() {
        return List.of();
    }

    /** A change to one zone: it may alter the zone's answers, and it writes the zone's entry whole. */
    sealed interface ZoneChange extends ChangeOp {
        String zone();

        @Override
        default List<List<String>> paths(JsonNode doc) {
            return List.of(List.of("zones", zoneKey(doc, zone())));
        }

        @Override
        default List<String> zones() {
            return List.of(Names.absolute(zone()));
        }
    }

    /** A change to one zone's record list. */
    sealed interface RecordsChange extends ZoneChange {
        @Override
        default List<List<String>> paths(JsonNode doc) {
            return List.of(List.of("zones", zoneKey(doc, zone()), "records"));
        }
    }

    /** {@code create_zone}: a new zone, empty or with the records of {@code copy_from} (except some types). */
    record CreateZone(String zone, CopyFrom copyFrom, Set<String> except) implements ZoneChange {
        /** Records at {@code name} (relative to {@code zone}) and below, in zone {@code zone} of instance {@code target}. */
        public record CopyFrom(String target, String zone, String name) {
        }

        @Override
        public String describe() {
            return "create zone " + Names.absolute(zone) + (copyFrom == null ? "" : ", copying " + copyFrom.name + " and below from zone "
                    + Names.absolute(copyFrom.zone) + " on " + copyFrom.target + (except.isEmpty() ? "" : " except " + String.join(", ", except)));
        }

        @Override
        public void apply(ObjectNode doc, Documents others) {
            if (DocumentTree.zoneKey(doc, zone) != null) {
                throw new CutoverException("zone " + Names.absolute(zone) + " exists already");
            }
            String origin = Names.absolute(zone);
            ObjectNode z = DocumentTree.NODES.objectNode();
            ArrayNode records = DocumentTree.NODES.arrayNode();
            List<String> nameservers = DocumentTree.nameservers(doc);
            ObjectNode soa = DocumentTree.NODES.objectNode();
            if (!nameservers.isEmpty()) {
                soa.put("primary", nameservers.get(0));
            }
            if (copyFrom != null) {
                RecordCopy.copy(doc, others, this, z, soa, records);
            }
            Set<String> owners = new LinkedHashSet<>();
            records.forEach(r -> owners.add(DocumentTree.owner(r, origin) + " " + DocumentTree.type(r)));
            // Name servers inside the new zone need their addresses in it (the parent's glue points at them).
            for (String ns : nameservers) {
                if (DocumentTree.within(ns, origin) && !owners.contains(ns + " A") && !owners.contains(ns + " AAAA")) {
                    RecordCopy.addressRecords(records, DocumentTree.relative(ns, origin), DocumentTree.edgeAddresses(doc), null);
                }
            }
            if (!soa.isEmpty()) {
                z.set("soa", soa);
            }
            z.set("records", records);
            DocumentTree.put(doc, List.of("zones", Names.stripDot(zone)), z);
        }
    }

    /** {@code delete_zone}. */
    record DeleteZone(String zone) implements ZoneChange {
        @Override
        public String describe() {
            return "delete zone " + Names.absolute(zone);
        }

        @Override
        public void apply(ObjectNode doc, Documents others) {
            DocumentTree.put(doc, List.of("zones", requireZone(doc, zone)), null);
        }
    }

    /**
     * {@code set_record}: the record replaces those at its name that cannot stand beside it (the same type;
     * A/AAAA/ALIAS against ALIAS; anything against CNAME), where the first of them was.
     */
    record SetRecord(String zone, JsonNode record) implements RecordsChange {
        @Override
        public String describe() {
            String what = record.has("site") ? "site " + record.path("site").asText() : record.path("values").toString();
            return "set " + record.path("name").asText("@") + " " + DocumentTree.type(record) + " " + what + " in zone " + Names.absolute(zone);
        }

        @Override
        public void apply(ObjectNode doc, Documents others) {
            String key = requireZone(doc, zone);
            String origin = Names.absolute(zone);
            String owner = DocumentTree.owner(record, origin);
            String type = DocumentTree.type(record);
            ArrayNode records = DocumentTree.records(doc, key);
            int at = -1;
            for (int i = records.size() - 1; i >= 0; i--) {
                JsonNode r = records.get(i);
                if (DocumentTree.owner(r, origin).equals(owner) && conflicts(type, DocumentTree.type(r))) {
                    records.remove(i);
                    at = i;
                }
            }
            ObjectNode copy = record.deepCopy();
            copy.put("type", type);
            if (at < 0) {
                records.add(copy);
            } else {
                records.insert(at, copy);
            }
        }

        static boolean conflicts(String type, String existing) {
            if (type.equals(existing) || type.equals("CNAME") || existing.equals("CNAME")) {
                return true;
            }
            Set<String> address = Set.of("A", "AAAA", "ALIAS");
            return (type.equals("ALIAS") && address.contains(existing)) || (existing.equals("ALIAS") && address.contains(type));
        }
    }

    /** {@code delete_record}: every record at {@code name} ({@code type} only, when given). */
    record DeleteRecord(String zone, String name, String type) implements RecordsChange {
        @Override
        public String describe() {
            return "delete " + name + (type == null ? "" : " " + type) + " from zone " + Names.absolute(zone);
        }

        @Override
        public void apply(ObjectNode doc, Documents others) {
            String key = requireZone(doc, zone);
            String origin = Names.absolute(zone);
            String owner = DocumentTree.absolute(name, origin);
            ArrayNode records = DocumentTree.records(doc, key);
            int removed = 0;
            for (int i = records.size() - 1; i >= 0; i--) {
                JsonNode r = records.get(i);
                if (DocumentTree.owner(r, origin).equals(owner) && (type == null || DocumentTree.type(r).equals(type))) {
                    records.remove(i);
                    removed++;
                }
            }
            if (removed == 0) {
                throw new CutoverException("zone " + origin + " has no " + owner + (type == null ? "" : " " + type) + " record to delete");
            }
        }
    }

    /**
     * {@code delegate}: NS records at {@code child} in the parent zone naming instance {@code to}'s
     * {@code edge.nameservers}, with A/AAAA glue from its {@code edge.addresses} for those inside the child.
     * Earlier NS and glue records at those names are replaced.
     */
    record Delegate(String zone, String child, String to) implements RecordsChange {
        @Override
        public String describe() {
            return "delegate " + Names.absolute(child) + " from zone " + Names.absolute(zone) + " to " + to + "'s name servers";
        }

        @Override
        public void apply(ObjectNode doc, Documents others) {
            String key = requireZone(doc, zone);
            String origin = Names.absolute(zone);
            String cut = Names.absolute(child);
            if (cut.equals(origin) || !cut.endsWith("." + origin)) {
                throw new CutoverException(cut + " is not below zone " + origin);
            }
            JsonNode target = others.document(to);
            List<String> nameservers = DocumentTree.nameservers(target);
            List<String> addresses = DocumentTree.edgeAddresses(target);
            if (nameservers.isEmpty()) {
                throw new CutoverException(to + " has no edge.nameservers to delegate to");
            }
            List<String> glued = nameservers.stream().filter(ns -> DocumentTree.within(ns, cut)).toList();
            if (!glued.isEmpty() && addresses.isEmpty()) {
                throw new CutoverException(to + "'s name servers " + glued + " lie inside " + cut + " and need glue, but it has no edge.addresses");
            }
            ArrayNode records = DocumentTree.records(doc, key);
            for (int i = records.size() - 1; i >= 0; i--) {
                JsonNode r = records.get(i);
                String owner = DocumentTree.owner(r, origin);
                String type = DocumentTree.type(r);
                if ((owner.equals(cut) && type.equals("NS")) || (glued.contains(owner) && (type.equals("A") || type.equals("AAAA")))) {
                    records.remove(i);
                }
            }
            ObjectNode ns = records.addObject();
            ns.put("name", DocumentTree.relative(cut, origin));
            ns.put("type", "NS");
            ns.set("values", DocumentTree.strings(nameservers));
            for (String g : glued) {
                RecordCopy.addressRecords(records, DocumentTree.relative(g, origin), addresses, null);
            }
        }
    }

    /**
     * {@code issue_certificate}: the instance issues a certificate named {@code name} for {@code hosts}
     * (through its admin API, before the revision) and the document gets {@code certificates.NAME: {issuer}}.
     * Only {@code internal} today; an ACME issuer is one more value of {@code issuer} on the instance's side.
     */
    record IssueCertificate(String name, List<String> hosts, String issuer) implements ChangeOp {
        @Override
        public String describe() {
            return "issue certificate " + name + " for " + String.join(", ", hosts) + " from the " + issuer + " issuer";
        }

        @Override
        public List<List<String>> paths(JsonNode doc) {
            return List.of(List.of("certificates", name));
        }

        @Override
        public void apply(ObjectNode doc, Documents others) {
            JsonNode existing = doc.path("certificates").get(name);
            if (existing != null && !issuer.equals(existing.path("issuer").asText(null))) {
                throw new CutoverException("certificates." + name + " exists already and is not issued by " + issuer);
            }
            ObjectNode c = DocumentTree.NODES.objectNode();
            c.put("issuer", issuer);
            DocumentTree.put(doc, List.of("certificates", name), c);
        }
    }

    /** {@code set_site_hosts}: a site's hosts, given whole or as {@code add}/{@code remove}; optionally its {@code tls}. */
    record SetSiteHosts(String site, List<String> hosts, List<String> add, List<String> remove, String tls) implements ChangeOp {
        @Override
        public String describe() {
            StringBuilder b = new StringBuilder("site " + site + ": ");
            if (hosts != null) {
                b.append("hosts ").append(hosts.isEmpty() ? "none" : String.join(", ", hosts));
            } else {
                List<String> parts = new ArrayList<>();
                if (!add.isEmpty()) {
                    parts.add("add " + String.join(", ", add));
                }
                if (!remove.isEmpty()) {
                    parts.add("remove " + String.join(", ", remove));
                }
                b.append(String.join("; ", parts));
            }
            return b + (tls == null ? "" : ", certificate " + tls);
        }

        @Override
        public List<List<String>> paths(JsonNode doc) {
            return List.of(List.of("sites", site, "hosts"), List.of("sites", site, "tls"));
        }

        @Override
        public void apply(ObjectNode doc, Documents others) {
            ObjectNode s = requireSite(doc, site);
            List<String> now = new ArrayList<>();
            if (hosts != null) {
                hosts.forEach(h -> now.add(Names.normalize(h)));
            } else {
                s.path("hosts").forEach(h -> now.add(Names.normalize(h.asText())));
                remove.forEach(h -> now.remove(Names.normalize(h)));
                add.stream().map(Names::normalize).filter(h -> !now.contains(h)).forEach(now::add);
            }
            s.set("hosts", DocumentTree.strings(now));
            if (tls != null) {
                s.put("tls", tls);
            }
        }
    }

    /** {@code set_site_tls}: the certificate a site serves. */
    record SetSiteTls(String site, String tls) implements ChangeOp {
        @Override
        public String describe() {
            return "site " + site + ": certificate " + tls;
        }

        @Override
        public List<List<String>> paths(JsonNode doc) {
            return List.of(List.of("sites", site, "tls"));
        }

        @Override
        public void apply(ObjectNode doc, Documents others) {
            requireSite(doc, site).put("tls", tls);
        }
    }

    /**
     * {@code prepare: {lower_ttl}}: the zone's default TTL, every record TTL and the SOA minimum (the
     * negative TTL) lowered to at most {@code ttl}, so that later switches are seen within it.
     */
    record LowerTtl(String zone, Duration ttl) implements ZoneChange {
        @Override
        public String describe() {
            return "lower every TTL of zone " + Names.absolute(zone) + " to at most " + ttl.toSeconds() + "s";
        }

        @Override
        public void apply(ObjectNode doc, Documents others) {
            String key = requireZone(doc, zone);
            ObjectNode z = (ObjectNode) doc.path("zones").get(key);
            long max = ttl.toSeconds();
            long zoneTtl = z.path("ttl").asLong(3600);
            if (zoneTtl > max || !z.has("ttl")) {
                z.put("ttl", Math.min(zoneTtl, max));
            }
            for (JsonNode r : DocumentTree.records(doc, key)) {
                if (r.has("ttl") && r.path("ttl").asLong() > max) {
                    ((ObjectNode) r).put("ttl", max);
                }
            }
            JsonNode soa = z.get("soa");
            if (soa instanceof ObjectNode o && o.has("minimum") && Ttls.seconds(o.get("minimum")) > max) {
                o.put("minimum", max);
            }
        }
    }

    /** The key of {@code zone} in {@code doc}'s zones, or the one it gets when created. */
    private static String zoneKey(JsonNode doc, String zone) {
        String key = DocumentTree.zoneKey(doc, zone);
        return key == null ? Names.stripDot(zone) : key;
    }

    private static String requireZone(JsonNode doc, String zone) {
        String key = DocumentTree.zoneKey(doc, zone);
        if (key == null) {
            throw new CutoverException("no zone " + Names.absolute(zone));
        }
        return key;
    }

    private static ObjectNode requireSite(JsonNode doc, String site) {
        JsonNode s = doc.path("sites").get(site);
        if (!(s instanceof ObjectNode o)) {
            throw new CutoverException("no site named \"" + site + "\"");
        }
        return o;
    }
}
