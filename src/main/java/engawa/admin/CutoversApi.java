package engawa.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import engawa.config.ConfigDocument;
import engawa.store.Lease;
import engawa.store.Store;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a cutover runner keeps on an instance (see {@code engawa.cutover} and docs/cutover.md):
 * <ul>
 * <li>{@code GET /api/v1/cutovers}: a summary of every cutover recorded here; {@code GET /api/v1/cutovers/{name}}
 * its whole record; {@code POST /api/v1/cutovers} stores a record ({@code {"cutover": NAME, "state": ...,
 * "steps": [...]}}), replacing the earlier one of that name. The runner posts after every step, so the record
 * survives the runner.</li>
 * <li>{@code GET|POST|DELETE /api/v1/cutover-lease}: the one lease that lets one cutover at a time change this
 * instance. POST {@code {"holder": H, "ttl_ms": N}} takes or renews it (409 when someone else holds it
 * unexpired); DELETE {@code ?holder=H} gives it back. A holder that dies stops renewing and loses it.</li>
 * </ul>
 * Records are opaque JSON to this side except their name and state. Runs on virtual threads (store).
 */
final class CutoversApi {
    static final String NAMESPACE = "cutovers";
    static final String LEASE = "cutover";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final int MAX_RECORD = 4 * 1024 * 1024;
    private static final Duration MAX_TTL = Duration.ofHours(1);

    private final Store store;

    CutoversApi(Store store) {
        this.store = store;
    }

    void register(AdminRouter router) {
        router.get("/api/v1/cutovers", this::list)
                .get("/api/v1/cutovers/{name}", this::one)
                .post("/api/v1/cutovers", this::record)
                .get("/api/v1/cutover-lease", r -> AdminResponse.ok(lease()))
                .post("/api/v1/cutover-lease", this::take)
                .delete("/api/v1/cutover-lease", this::release);
    }

    private AdminResponse list(AdminRequest request) {
        List<Map<String, Object>> out = new ArrayList<>();
        store.values(NAMESPACE).forEach((name, text) -> {
            JsonNode r = parse(text);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("cutover", name);
            m.put("state", r.path("state").asText(null));
            m.put("updated_at", r.path("updated_at").asText(null));
            m.put("home", r.path("home").asText(null));
            int applied = 0;
            for (JsonNode s : r.path("steps")) {
                if (s.path("state").asText("").equals("applied")) {
                    applied++;
                }
            }
            m.put("steps", r.path("steps").size());
            m.put("steps_applied", applied);
            out.add(m);
        });
        return AdminResponse.ok(Map.of("cutovers", out));
    }

    private AdminResponse one(AdminRequest request) {
        String name = request.param("name");
        String text = store.value(NAMESPACE, name).orElseThrow(() -> new ApiException(404, "no cutover named \"" + name + "\""));
        return AdminResponse.json(200, parse(text));
    }

    private AdminResponse record(AdminRequest request) {
        if (request.body().length > MAX_RECORD) {
            throw new ApiException(413, "a cutover record is at most " + MAX_RECORD + " bytes");
        }
        JsonNode body;
        try {
            body = ConfigDocument.JSON.readTree(request.body());
        } catch (IOException e) {
            throw new ApiException(400, "not JSON: " + e.getMessage());
        }
        if (body == null || !body.isObject()) {
            throw new ApiException(400, "a cutover record is a JSON object");
        }
        String name = body.path("cutover").asText("");
        if (!NAME.matcher(name).matches()) {
            throw new ApiException(400, "cutover: \"" + name + "\" is not a cutover name (letters, digits, . _ -)");
        }
        if (!body.path("steps").isArray()) {
            throw new ApiException(400, "steps: a cutover record lists its steps");
        }
        ((ObjectNode) body).put("updated_at", Instant.now().toString());
        store.putValue(NAMESPACE, name, body.toString());
        return AdminResponse.ok(Map.of("cutover", name, "updated_at", body.path("updated_at").asText()));
    }

    private AdminResponse take(AdminRequest request) {
        JsonNode body;
        try {
            body = ConfigDocument.JSON.readTree(request.body().length == 0 ? "{}".getBytes() : request.body());
        } catch (IOException e) {
            throw new ApiException(400, "not JSON: " + e.getMessage());
        }
        String holder = body.path("holder").asText("");
        long ttl = body.path("ttl_ms").asLong(0);
        if (holder.isBlank() || holder.length() > 200) {
            throw new ApiException(400, "holder: who takes the lease (1 to 200 characters)");
        }
        if (ttl < 100 || ttl > MAX_TTL.toMillis()) {
            throw new ApiException(400, "ttl_ms: from 100 to " + MAX_TTL.toMillis());
        }
        if (!store.tryLease(LEASE, holder, Duration.ofMillis(ttl))) {
            Map<String, Object> held = lease();
            Map<String, Object> error = new LinkedHashMap<>(held);
            error.put("error", "another cutover holds this instance: " + held.get("holder") + " until " + held.get("expires_at"));
            return AdminResponse.json(409, error);
        }
        return AdminResponse.ok(lease());
    }

    private AdminResponse release(AdminRequest request) {
        String holder = request.queryParam("holder");
        if (holder == null || holder.isBlank()) {
            throw new ApiException(400, "holder: give ?holder=WHO, the holder that took the lease");
        }
        store.releaseLease(LEASE, holder);
        return AdminResponse.ok(lease());
    }

    private Map<String, Object> lease() {
        Map<String, Object> m = new LinkedHashMap<>();
        Lease l = store.lease(LEASE).filter(x -> x.expiresAt().isAfter(Instant.now())).orElse(null);
        m.put("holder", l == null ? null : l.holder());
        m.put("expires_at", l == null ? null : l.expiresAt().toString());
        return m;
    }

    private static JsonNode parse(String text) {
        try {
            return ConfigDocument.JSON.readTree(text);
        } catch (IOException e) {
            return ConfigDocument.JSON.createObjectNode();
        }
    }
}
