package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import engawa.config.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * {@code create_zone}'s {@code copy_from}: the records at a name and below in another zone, rewritten so that
 * they answer the same from the new zone. Owner names are made relative to the new zone; names inside values
 * (CNAME, NS, MX, SRV, PTR, HTTPS, SVCB targets) are made absolute, since the new zone has another origin; and an
 * ALIAS copied from another instance becomes A/AAAA records with that instance's {@code edge.addresses}, which
 * is what it answered there (the site it names is served by that instance, not by this one).
 */
final class RecordCopy {
    private static final Set<String> NAMED_VALUES = Set.of("CNAME", "NS", "MX", "SRV", "PTR", "HTTPS", "SVCB");

    private RecordCopy() {
    }

    static void copy(ObjectNode doc, ChangeOp.Documents others, ChangeOp.CreateZone op, ObjectNode zone, ObjectNode soa, ArrayNode out) {
        ChangeOp.CreateZone.CopyFrom from = op.copyFrom();
        JsonNode source = others.document(from.target());
        String sourceKey = DocumentTree.zoneKey(source, from.zone());
        if (sourceKey == null) {
            throw new CutoverException(from.target() + " has no zone " + Names.absolute(from.zone()) + " to copy from");
        }
        JsonNode sourceZone = source.path("zones").get(sourceKey);
        String sourceOrigin = Names.absolute(from.zone());
        String base = DocumentTree.absolute(from.name(), sourceOrigin);
        String origin = Names.absolute(op.zone());
        boolean sameInstance = from.target().equals(others.self());
        long zoneTtl = sourceZone.path("ttl").asLong(3600);
        zone.put("ttl", zoneTtl);
        JsonNode sourceSoa = sourceZone.path("soa");
        if (sourceSoa.has("contact")) {
            soa.put("contact", DocumentTree.absolute(sourceSoa.path("contact").asText(), sourceOrigin));
        }
        for (String k : List.of("refresh", "retry", "expire", "minimum")) {
            if (sourceSoa.has(k)) {
                soa.set(k, sourceSoa.get(k).deepCopy());
            }
        }
        int copied = 0;
        for (JsonNode r : sourceZone.path("records")) {
            String owner = DocumentTree.owner(r, sourceOrigin);
            String type = DocumentTree.type(r);
            if (!DocumentTree.within(owner, base) || op.except().contains(type)) {
                continue;
            }
            String prefix = owner.equals(base) ? "" : owner.substring(0, owner.length() - base.length() - 1);
            String name = prefix.isEmpty() ? "@" : prefix;
            if (!DocumentTree.within(prefix.isEmpty() ? origin : prefix + "." + origin, origin)) {
                continue;
            }
            copied++;
            if (type.equals("ALIAS") && !sameInstance) {
                Long ttl = r.has("ttl") ? r.path("ttl").asLong() : null;
                addressRecords(out, name, DocumentTree.edgeAddresses(source), ttl);
                continue;
            }
            ObjectNode c = r.deepCopy();
            c.put("name", name);
            c.put("type", type);
            if (NAMED_VALUES.contains(type) && r.has("values")) {
                ArrayNode values = c.putArray("values");
                for (JsonNode v : r.path("values")) {
                    values.add(absoluteNames(type, v.asText(), sourceOrigin));
                }
            }
            out.add(c);
        }
        if (copied == 0) {
            throw new CutoverException("zone " + sourceOrigin + " on " + from.target() + " has no records at or below " + base + " to copy");
        }
    }

    /** A and AAAA records at {@code name} for {@code addresses} (v4 and v6 apart), with {@code ttl} when given. */
    static void addressRecords(ArrayNode records, String name, List<String> addresses, Long ttl) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (String a : addresses) {
            (a.contains(":") ? v6 : v4).add(a);
        }
        for (var pair : List.of(List.of("A", v4), List.of("AAAA", v6))) {
            @SuppressWarnings("unchecked")
            List<String> values = (List<String>) pair.get(1);
            if (values.isEmpty()) {
                continue;
            }
            ObjectNode r = records.addObject();
            r.put("name", name);
            r.put("type", (String) pair.get(0));
            if (ttl != null) {
                r.put("ttl", ttl);
            }
            r.set("values", DocumentTree.strings(values));
        }
    }

    /** A value in zone-file syntax with every name in it made absolute (dnsjava renders names with their dot). */
    static String absoluteNames(String type, String value, String origin) {
        try {
            Record r = Record.fromString(Name.root, Type.value(type), DClass.IN, 0, value, Name.fromString(origin));
            return r.rdataToString();
        } catch (java.io.IOException | RuntimeException e) {
            throw new CutoverException("cannot copy " + type + " value \"" + value + "\": " + e.getMessage());
        }
    }
}
