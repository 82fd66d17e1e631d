package engawa.admin;

import engawa.config.ConfigDocument;
import engawa.config.ConfigException;
import engawa.config.ConfigProblem;
import engawa.server.EngawaServer;
import engawa.snapshot.Snapshot;
import engawa.store.Revision;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The config endpoints: the document being served ({@code GET /api/v1/config}), a new one
 * ({@code PUT /api/v1/config}, all or nothing through {@link EngawaServer#applyDocument}), the revision
 * history ({@code GET /api/v1/revisions}) and {@code POST /api/v1/rollback/{rev}}. The CLI's
 * {@code AdminApiControl} speaks exactly these shapes. Runs on virtual threads (store, compiling).
 */
final class ConfigApi {
    private static final int MAX_SOURCE = 200;

    private final EngawaServer server;

    ConfigApi(EngawaServer server) {
        this.server = server;
    }

    void register(AdminRouter router) {
        router.get("/api/v1/config", this::current)
                .put("/api/v1/config", this::replace)
                .get("/api/v1/revisions", this::revisions)
                .post("/api/v1/rollback/{rev}", this::rollback);
    }

    /** {@code {"revision": N, "source": "...", "base_dir": "...", "document": {...}}}. */
    private AdminResponse current(AdminRequest request) {
        Snapshot s = server.snapshot();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("revision", s.revision());
        body.put("source", server.store().revision(s.revision()).map(Revision::source).orElse(""));
        body.put("base_dir", s.document().baseDir().toString());
        body.put("document", s.document().tree());
        return AdminResponse.ok(body);
    }

    /**
     * A new document, YAML or JSON (by Content-Type, else by its first character); relative paths in it
     * resolve against {@code ?base=DIR}, or the current revision's folder. 200 with the revision and
     * warnings, 400 when the body is not a document, 422 with every problem when it cannot be served.
     */
    private AdminResponse replace(AdminRequest request) {
        String text = request.bodyText();
        if (text.isBlank()) {
            throw new ApiException(400, "empty body: send the whole config document (YAML or JSON)");
        }
        ConfigDocument document;
        try {
            document = ConfigDocument.parse(text, isJson(request.header(HttpHeaderNames.CONTENT_TYPE), text),
                    baseDir(request.queryParam("base")), "request body");
        } catch (ConfigException e) {
            throw new ApiException(400, e.getMessage());
        }
        EngawaServer.Applied applied = server.applyDocument(document, source(request));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("revision", applied.revision().id());
        body.put("warnings", applied.warnings().stream().map(ConfigProblem::toString).toList());
        return AdminResponse.ok(body);
    }

    /** {@code {"revisions": [{"id", "created_at", "source", "current"}]}}, newest first. */
    private AdminResponse revisions(AdminRequest request) {
        int limit = 20;
        String l = request.queryParam("limit");
        if (l != null) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > 1000) {
                throw new ApiException(400, "limit must be a number from 1 to 1000, not \"" + l + "\"");
            }
        }
        long current = server.snapshot().revision();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Revision r : server.store().revisions(limit)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", r.id());
            m.put("created_at", r.createdAt().toString());
            m.put("source", r.source());
            m.put("current", r.id() == current);
            out.add(m);
        }
        return AdminResponse.ok(Map.of("revisions", out));
    }

    /** Serves an earlier revision's document as a new revision: {@code {"revision": N}}; 404 when there is none. */
    private AdminResponse rollback(AdminRequest request) {
        String rev = request.param("rev");
        long id;
        try {
            id = Long.parseLong(rev);
        } catch (NumberFormatException e) {
            throw new ApiException(400, "revision must be a number, not \"" + rev + "\"");
        }
        if (server.store().revision(id).isEmpty()) {
            throw new ApiException(404, "no revision " + id);
        }
        return AdminResponse.ok(Map.of("revision", server.rollback(id).id()));
    }

    private Path baseDir(String base) {
        if (base == null) {
            return server.snapshot().document().baseDir();
        }
        try {
            Path p = Path.of(base);
            if (!p.isAbsolute()) {
                throw new ApiException(400, "base must be an absolute folder, not \"" + base + "\"");
            }
            return p.normalize();
        } catch (InvalidPathException e) {
            throw new ApiException(400, "base is not a path: " + e.getMessage());
        }
    }

    private static boolean isJson(String contentType, String text) {
        if (contentType != null) {
            String t = contentType.toLowerCase(Locale.ROOT);
            if (t.startsWith("application/json") || t.contains("+json")) {
                return true;
            }
            if (t.contains("yaml")) {
                return false;
            }
        }
        return text.stripLeading().startsWith("{");
    }

    /** What the revision history says about where a document came from: the caller's word, or who called. */
    private static String source(AdminRequest request) {
        String given = request.header("X-Engawa-Source");
        if (given == null || given.isBlank()) {
            return "admin API (" + request.principal() + ")";
        }
        StringBuilder b = new StringBuilder();
        given.strip().codePoints().filter(c -> !Character.isISOControl(c)).limit(MAX_SOURCE).forEach(b::appendCodePoint);
        return b.toString();
    }
}
