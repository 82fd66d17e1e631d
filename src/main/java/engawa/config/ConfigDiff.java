package engawa.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * A readable difference between two documents, one line per changed value, with paths as errors name
 * them: {@code ~ sites.parrot.hosts[0]: "*.example.test" -> "www.example.test"}, {@code + upstreams.api},
 * {@code - zones.old.test}.
 */
public final class ConfigDiff {

    private ConfigDiff() {
    }

    public static List<String> diff(JsonNode before, JsonNode after) {
        List<String> out = new ArrayList<>();
        walk("", before, after, out);
        return out;
    }

    private static void walk(String path, JsonNode a, JsonNode b, List<String> out) {
        boolean hasA = a != null && !a.isMissingNode();
        boolean hasB = b != null && !b.isMissingNode();
        if (!hasA && !hasB) {
            return;
        }
        if (!hasA) {
            out.add("+ " + path + ": " + show(b));
        } else if (!hasB) {
            out.add("- " + path + ": " + show(a));
        } else if (a.isObject() && b.isObject()) {
            TreeSet<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            // Keep document order where possible: keys of the new document first, then removed ones.
            List<String> ordered = new ArrayList<>();
            for (Iterator<String> it = b.fieldNames(); it.hasNext(); ) {
                ordered.add(it.next());
            }
            for (String k : keys) {
                if (!ordered.contains(k)) {
                    ordered.add(k);
                }
            }
            for (String k : ordered) {
                walk(path.isEmpty() ? k : path + "." + k, a.get(k), b.get(k), out);
            }
        } else if (a.isArray() && b.isArray() && (containsContainers(a) || containsContainers(b))) {
            int n = Math.max(a.size(), b.size());
            for (int i = 0; i < n; i++) {
                walk(path + "[" + i + "]", a.get(i), b.get(i), out);
            }
        } else if (!a.equals(b)) {
            out.add("~ " + path + ": " + show(a) + " -> " + show(b));
        }
    }

    private static boolean containsContainers(JsonNode array) {
        for (JsonNode n : array) {
            if (n.isContainerNode()) {
                return true;
            }
        }
        return false;
    }

    private static String show(JsonNode n) {
        String s = n.toString();
        return s.length() > 200 ? s.substring(0, 197) + "..." : s;
    }
}
