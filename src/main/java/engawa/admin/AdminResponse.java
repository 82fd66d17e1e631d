package engawa.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** What an admin route answers: a status, a content type, the body bytes and any extra headers. Immutable. */
public record AdminResponse(int status, String contentType, byte[] body, Map<String, String> headers) {
    static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final String JSON_TYPE = "application/json";

    /** {@code value} (a map, list, record or Jackson tree) as JSON, on one line ending in a newline. */
    public static AdminResponse json(int status, Object value) {
        try {
            return new AdminResponse(status, JSON_TYPE, (JSON.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static AdminResponse ok(Object value) {
        return json(200, value);
    }

    /** {@code {"error": message}}. */
    public static AdminResponse error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    public static AdminResponse of(int status, String contentType, String body) {
        return new AdminResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public AdminResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new AdminResponse(status, contentType, body, Map.copyOf(h));
    }
}
