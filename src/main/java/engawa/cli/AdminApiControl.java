package engawa.cli;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.config.ConfigDocument;
import engawa.config.ConfigException;
import engawa.config.ConfigProblem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Config commands through a running server's admin API ({@code /api/v1/...}), with the bearer token from
 * {@code ENGAWA_TOKEN} when set.
 */
final class AdminApiControl implements ControlPlane {
    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    AdminApiControl(String adminUrl) {
        this.base = URI.create(adminUrl.endsWith("/") ? adminUrl.substring(0, adminUrl.length() - 1) : adminUrl);
        this.token = System.getenv("ENGAWA_TOKEN");
    }

    /** True when something answers at the admin URL. */
    boolean reachable() {
        try {
            send(request("/api/v1/revisions").GET().build());
            return true;
        } catch (CliException e) {
            return !(e.getCause() instanceof ConnectException);
        }
    }

    @Override
    public Optional<Current> current() {
        JsonNode body = expectOk(send(request("/api/v1/config").GET().build()));
        if (body.path("revision").asLong() == 0) {
            return Optional.empty();
        }
        Path baseDir = Path.of(body.path("base_dir").asText("."));
        return Optional.of(new Current(body.path("revision").asLong(), new ConfigDocument(body.path("document"), baseDir)));
    }

    @Override
    public Applied apply(ConfigDocument document, String source) {
        String query = "?base=" + URLEncoder.encode(document.baseDir().toString(), StandardCharsets.UTF_8);
        HttpResponse<String> r = send(request("/api/v1/config" + query)
                .header("Content-Type", "application/json")
                .header("X-Engawa-Source", source)
                .PUT(HttpRequest.BodyPublishers.ofString(document.canonicalJson())).build());
        JsonNode body = parse(r);
        if (r.statusCode() == 422 || r.statusCode() == 400) {
            List<ConfigProblem> problems = new ArrayList<>();
            for (JsonNode p : body.path("problems")) {
                problems.add(ConfigProblem.error(p.path("path").asText(), p.path("message").asText()));
            }
            if (problems.isEmpty()) {
                problems.add(ConfigProblem.error("", body.path("error").asText(r.body())));
            }
            throw new ConfigException(problems);
        }
        expectOk(r);
        List<String> warnings = new ArrayList<>();
        body.path("warnings").forEach(w -> warnings.add(w.asText()));
        return new Applied(body.path("revision").asLong(), warnings);
    }

    @Override
    public List<RevisionInfo> revisions(int limit) {
        JsonNode body = expectOk(send(request("/api/v1/revisions?limit=" + limit).GET().build()));
        List<RevisionInfo> out = new ArrayList<>();
        for (JsonNode r : body.path("revisions")) {
            out.add(new RevisionInfo(r.path("id").asLong(), Instant.parse(r.path("created_at").asText()), r.path("source").asText()));
        }
        return out;
    }

    @Override
    public long rollback(long revision) {
        HttpResponse<String> r = send(request("/api/v1/rollback/" + revision).POST(HttpRequest.BodyPublishers.noBody()).build());
        return expectOk(r).path("revision").asLong();
    }

    @Override
    public String describe() {
        return "admin API " + base;
    }

    @Override
    public void close() {
        http.close();
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (token != null && !token.isEmpty()) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliException("cannot reach the admin API at " + base + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", e);
        }
    }

    private JsonNode expectOk(HttpResponse<String> r) {
        JsonNode body = parse(r);
        if (r.statusCode() == 401) {
            throw new CliException("the admin API at " + base + " wants a token: set ENGAWA_TOKEN");
        }
        if (r.statusCode() / 100 != 2) {
            throw new CliException(base + " answered " + r.statusCode() + ": " + body.path("error").asText(r.body()));
        }
        return body;
    }

    private static JsonNode parse(HttpResponse<String> r) {
        try {
            return ConfigDocument.JSON.readTree(r.body().isEmpty() ? "{}" : r.body());
        } catch (IOException e) {
            return ConfigDocument.JSON.createObjectNode();
        }
    }
}
