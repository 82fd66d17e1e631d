package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import engawa.config.Names;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reading and editing a config document's JSON tree by path ({@code ["zones", "example.test", "records"]}),
 * and the few lookups every change needs: a zone's key whatever its trailing dot, absolute owner names,
 * the instance's {@code edge}. Static helpers; the trees they edit belong to the caller.
 */
final class DocumentTree {
    static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DocumentTree() {
    }

    /** The value at {@code path}, or null when absent. */
    static JsonNode at(JsonNode root, List<String> path) {
        JsonNode n = root;
        for (String key : path) {
            if (n == null || !n.isObject()) {
                return null;
            }
            n = n.get(key);
        }
        return n == null || n.isMissingNode() ? null : n;
    }

    /** Puts {@code value} at {@code path} (creating mappings on the way), or removes the key when null. */
    static void put(ObjectNode root, List<String> path, JsonNode value) {
        ObjectNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) {
            JsonNode child = parent.get(path.get(i));
            if (child == null || !child.isObject()) {
                if (value == null) {
                    return;
                }
                child = parent.putObject(path.get(i));
            }
            parent = (ObjectNode) child;
        }
        String last = path.get(path.size() - 1);
        if (value == null) {
            parent.remove(last);
        } else {
            parent.set(last, value.deepCopy());
        }
    }

    /** The key under {@code zones:} of zone {@code name} ({@code example.test} or {@code example.test.}), or null. */
    static String zoneKey(JsonNode doc, String name) {
        String want = Names.absolute(name);
        JsonNode zones = doc.path("zones");
        for (var it = zones.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (Names.absolute(key).equals(want)) {
                return key;
            }
        }
        return null;
    }

    /** The zone's records list, created empty when the zone has none; the zone must exist. */
    static ArrayNode records(ObjectNode doc, String zoneKey) {
        ObjectNode zone = (ObjectNode) doc.path("zones").get(zoneKey);
        JsonNode records = zone.get("records");
        if (records == null || !records.isArray()) {
            return zone.putArray("records");
        }
        return (ArrayNode) records;
    }

    /** A record's owner name made absolute and lower case ({@code @} is the apex). */
    static String owner(JsonNode record, String origin) {
        return absolute(record.path("name").asText("@"), origin);
    }

    /** A name relative to {@code origin} (or absolute with its dot) as an absolute lower-case name. */
    static String absolute(String name, String origin) {
        if (name.equals("@")) {
            return origin;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower : lower + "." + origin;
    }

    /** An absolute name as written in a zone with {@code origin}: {@code @}, a relative name, or absolute if outside. */
    static String relative(String absolute, String origin) {
        if (absolute.equals(origin)) {
            return "@";
        }
        if (absolute.endsWith("." + origin)) {
            return absolute.substring(0, absolute.length() - origin.length() - 1);
        }
        return absolute;
    }

    /** Whether {@code name} is {@code zone} or below it (absolute names). */
    static boolean within(String name, String zone) {
        return name.equals(zone) || name.endsWith("." + zone);
    }

    static String type(JsonNode record) {
        return record.path("type").asText("").toUpperCase(Locale.ROOT);
    }

    /** {@code edge.addresses} as written. */
    static List<String> edgeAddresses(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.path("edge").path("addresses").forEach(a -> out.add(a.asText()));
        return out;
    }

    /** {@code edge.nameservers}, absolute. */
    static List<String> nameservers(JsonNode doc) {
        List<String> out = new ArrayList<>();
        doc.path("edge").path("nameservers").forEach(a -> out.add(Names.absolute(a.asText())));
        return out;
    }

    static ArrayNode strings(List<String> values) {
        ArrayNode a = NODES.arrayNode();
        values.forEach(a::add);
        return a;
    }
}
