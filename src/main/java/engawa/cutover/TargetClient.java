package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import engawa.config.ConfigDocument;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One target's admin API, as the cutover runner uses it: the live document, a new one, the listeners as
 * bound, the internal CA, issuing a certificate, the cutover lease and cutover records. Blocking; thread-safe.
 * Every failure to talk to the instance is a {@link CutoverException} naming it.
 */
final class TargetClient implements AutoCloseable {
    /** The live document: its revision, the folder its relative paths resolve against, and its tree. */
    record Live(long revision, String baseDir, ObjectNode document) {
    }

    /** A document the instance refused, with every problem as {@code path: message}. */
    static final class Rejected extends CutoverException {
        final List<String> problems;

        Rejected(String target, List<String> problems) {
            super(target + " refused the document: " + String.join("; ", problems));
            this.problems = problems;
        }
    }

    private final CutoverPlan.Target target;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(3)).build();

    TargetClient(CutoverPlan.Target target, Map<String, String> env) {
        this.target = target;
        this.token = target.tokenEnv() == null ? null : env.get(target.tokenEnv());
    }

    CutoverPlan.Target target() {
        return target;
    }

    Live live() {
        JsonNode body = ok(send("GET", "/api/v1/config", null));
        if (!body.path("document").isObject()) {
            throw new CutoverException(target.name() + " serves no document");
        }
        return new Live(body.path("revision").asLong(), body.path("base_dir").asText("."), (ObjectNode) body.path("document"));
    }

    /** PUTs a whole document; returns the new revision. */
    long put(JsonNode document, String baseDir, String source) {
        String path = "/api/v1/config?base=" + URLEncoder.encode(baseDir, StandardCharsets.UTF_8);
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json").header("X-Engawa-Source", source)
                .PUT(HttpRequest.BodyPublishers.ofString(new ConfigDocument(document, null).canonicalJson()));
        HttpResponse<String> r = send(b.build());
        if (r.statusCode() == 422 || r.statusCode() == 400) {
            JsonNode body = parse(r);
            List<String> problems = new java.util.ArrayList<>();
            body.path("problems").forEach(p -> problems.add(
                    (p.path("path").asText().isEmpty() ? "" : p.path("path").asText() + ": ") + p.path("message").asText()));
            if (problems.isEmpty()) {
                problems.add(body.path("error").asText(r.body()));
            }
            throw new Rejected(target.name(), problems);
        }
        return ok(r).path("revision").asLong();
    }

    /** The listeners as bound, by role ({@code dns} -> {@code 127.0.0.2:5353} or {@code :53}). */
    Map<String, String> listeners() {
        Map<String, String> out = new LinkedHashMap<>();
        ok(send("GET", "/api/v1/status", null)).path("listeners").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    X509Certificate internalCa() {
        String pem = ok(send("GET", "/api/v1/internal-ca", null)).path("certificate").asText();
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new CutoverException(target.name() + "'s internal CA is not a certificate: " + e.getMessage(), e);
        }
    }

    JsonNode issue(String name, String issuer, List<String> hosts) {
        ObjectNode body = DocumentTree.NODES.objectNode().put("name", name).put("issuer", issuer);
        body.set("hosts", DocumentTree.strings(hosts));
        return ok(send("POST", "/api/v1/certificates", body.toString()));
    }

    /** Takes or renews the cutover lease; empty when taken, else who holds it and until when. */
    Optional<String> lease(String holder, Duration ttl) {
        ObjectNode body = DocumentTree.NODES.objectNode().put("holder", holder).put("ttl_ms", ttl.toMillis());
        HttpResponse<String> r = send(request("/api/v1/cutover-lease").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
        if (r.statusCode() == 409) {
            JsonNode b = parse(r);
            return Optional.of(b.path("holder").asText("?") + " until " + b.path("expires_at").asText("?"));
        }
        ok(r);
        return Optional.empty();
    }

    void release(String holder) {
        ok(send(request("/api/v1/cutover-lease?holder=" + URLEncoder.encode(holder, StandardCharsets.UTF_8)).DELETE().build()));
    }

    void saveRecord(JsonNode record) {
        ok(send("POST", "/api/v1/cutovers", record.toString()));
    }

    Optional<ObjectNode> record(String name) {
        HttpResponse<String> r = send(request("/api/v1/cutovers/" + URLEncoder.encode(name, StandardCharsets.UTF_8)).GET().build());
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        return Optional.of((ObjectNode) ok(r));
    }

    private HttpResponse<String> send(String method, String path, String json) {
        HttpRequest.Builder b = request(path);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return send(b.build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60));
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private String base() {
        String s = target.admin().toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CutoverException("cannot reach " + target.name() + " at " + base() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CutoverException("interrupted", e);
        }
    }

    private JsonNode ok(HttpResponse<String> r) {
        JsonNode body = parse(r);
        if (r.statusCode() == 401) {
            throw new CutoverException(target.name() + " (" + base() + ") wants a token"
                    + (target.tokenEnv() == null ? ": give the target token_env" : ": set " + target.tokenEnv()));
        }
        if (r.statusCode() / 100 != 2) {
            throw new CutoverException(target.name() + " (" + base() + ") answered " + r.statusCode() + ": "
                    + body.path("error").asText(r.body()));
        }
        return body;
    }

    private static JsonNode parse(HttpResponse<String> r) {
        try {
            return ConfigDocument.JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
        } catch (IOException e) {
            return DocumentTree.NODES.objectNode();
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
