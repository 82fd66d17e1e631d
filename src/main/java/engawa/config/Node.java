package engawa.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A position in a config document being read. Every accessor reports what is wrong with the value at
 * this position into the shared {@link Problems}, naming the path, and returns a usable default so that
 * reading goes on and every error in the document is found in one pass.
 */
public final class Node {
    private final JsonNode json;
    private final String path;
    private final Problems problems;
    private final Path baseDir;

    private Node(JsonNode json, String path, Problems problems, Path baseDir) {
        this.json = json == null || json.isNull() || json.isMissingNode() ? null : json;
        this.path = path;
        this.problems = problems;
        this.baseDir = baseDir;
    }

    /** The document root; relative file paths resolve against {@code baseDir}. */
    public static Node root(JsonNode json, Problems problems, Path baseDir) {
        return new Node(json, "", problems, baseDir);
    }

    public String path() {
        return path;
    }

    public boolean present() {
        return json != null;
    }

    public boolean isObject() {
        return json != null && json.isObject();
    }

    public boolean isText() {
        return json != null && json.isTextual();
    }

    public boolean isArray() {
        return json != null && json.isArray();
    }

    public JsonNode json() {
        return json;
    }

    public Path baseDir() {
        return baseDir;
    }

    public Problems problems() {
        return problems;
    }

    public void error(String message) {
        problems.error(path, message);
    }

    public void warning(String message) {
        problems.warning(path, message);
    }

    /** The child at {@code key}; absent when this is not an object or has no such key. */
    public Node get(String key) {
        JsonNode child = json != null && json.isObject() ? json.get(key) : null;
        return new Node(child, path.isEmpty() ? key : path + "." + key, problems, baseDir);
    }

    /**
     * Declares the keys this object may have: reports any other key, and a value that is not an object.
     * Returns false when the value is present but not an object.
     */
    public boolean keys(String... allowed) {
        if (json == null) {
            return true;
        }
        if (!json.isObject()) {
            error("expected a mapping, got " + describe(json));
            return false;
        }
        Set<String> known = Set.of(allowed);
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                String where = path.isEmpty() ? key : path + "." + key;
                problems.error(where, "unknown key (expected one of: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
        return true;
    }

    /** The fields of a mapping in document order; empty when absent, an error when not a mapping. */
    public Map<String, Node> entries() {
        Map<String, Node> out = new LinkedHashMap<>();
        if (json == null) {
            return out;
        }
        if (!json.isObject()) {
            error("expected a mapping, got " + describe(json));
            return out;
        }
        json.fields().forEachRemaining(e ->
                out.put(e.getKey(), new Node(e.getValue(), (path.isEmpty() ? "" : path + ".") + e.getKey(), problems, baseDir)));
        return out;
    }

    /** The items of a list; empty when absent, an error when not a list. */
    public List<Node> list() {
        List<Node> out = new ArrayList<>();
        if (json == null) {
            return out;
        }
        if (!json.isArray()) {
            error("expected a list, got " + describe(json));
            return out;
        }
        for (int i = 0; i < json.size(); i++) {
            out.add(new Node(json.get(i), path + "[" + i + "]", problems, baseDir));
        }
        return out;
    }

    /** A list of scalars as strings; a single scalar is an error (lists are written with brackets). */
    public List<String> strings() {
        List<String> out = new ArrayList<>();
        for (Node item : list()) {
            String s = item.text(null);
            if (s != null) {
                out.add(s);
            } else if (!item.present()) {
                item.error("expected a value, got null");
            }
        }
        return out;
    }

    /** A required scalar as text; null (with an error) when missing. */
    public String text() {
        if (json == null) {
            error("required");
            return null;
        }
        return text(null);
    }

    /** An optional scalar as text. */
    public String text(String defaultValue) {
        if (json == null) {
            return defaultValue;
        }
        if (!json.isValueNode()) {
            error("expected a value, got " + describe(json));
            return defaultValue;
        }
        return json.asText();
    }

    public boolean bool(boolean defaultValue) {
        if (json == null) {
            return defaultValue;
        }
        if (!json.isBoolean()) {
            error("expected true or false, got " + describe(json));
            return defaultValue;
        }
        return json.booleanValue();
    }

    public long integer(long defaultValue, long min, long max) {
        if (json == null) {
            return defaultValue;
        }
        if (!json.isIntegralNumber()) {
            error("expected a whole number, got " + describe(json));
            return defaultValue;
        }
        long v = json.longValue();
        if (v < min || v > max) {
            error("must be between " + min + " and " + max + ", got " + v);
            return defaultValue;
        }
        return v;
    }

    public Duration duration(Duration defaultValue) {
        String s = text(null);
        if (s == null) {
            return defaultValue;
        }
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            error(e.getMessage());
            return defaultValue;
        }
    }

    public long size(long defaultValue) {
        String s = text(null);
        if (s == null) {
            return defaultValue;
        }
        try {
            return Sizes.parse(s);
        } catch (IllegalArgumentException | ArithmeticException e) {
            error(e.getMessage());
            return defaultValue;
        }
    }

    /** A file path, resolved against the config document's folder when relative. */
    public Path file() {
        String s = text();
        return s == null ? null : baseDir.resolve(s).normalize();
    }

    /** One of the given words, or an error listing them. */
    public String oneOf(String defaultValue, String... words) {
        String s = text(null);
        if (s == null) {
            return defaultValue;
        }
        for (String w : words) {
            if (w.equals(s)) {
                return s;
            }
        }
        error("\"" + s + "\" is not one of: " + String.join(", ", words));
        return defaultValue;
    }

    private static String describe(JsonNode n) {
        if (n.isObject()) {
            return "a mapping";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isTextual()) {
            return "\"" + n.asText() + "\"";
        }
        return n.toString();
    }
}
