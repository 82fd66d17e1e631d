package engawa.admin;

import engawa.server.EngawaServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The admin API of a running server, assembled in one place: a part that adds endpoints (tunnels,
 * cutovers) registers them here.
 */
public final class AdminRoutes {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** The dashboard needs its inline script and style, and talks to this listener only. */
    private static final String DASHBOARD_POLICY = "default-src 'none'; script-src 'unsafe-inline'; "
            + "style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'";
    private static final byte[] DASHBOARD = resource("dashboard.html");

    private AdminRoutes() {
    }

    public static AdminRouter standard(EngawaServer server) {
        AdminRouter router = new AdminRouter(new AdminGuard(() -> server.snapshot().config().admin()),
                server.services().meters());
        new ConfigApi(server).register(router);
        new StatusApi(server).register(router);
        new UpstreamsApi(server.services().upstreams()).register(router);
        new TunnelsApi(server.services().tunnels()).register(router);
        new CutoversApi(server.store()).register(router);
        new CertificatesApi(server.services().certificates()).register(router);
        router.get("/metrics", r -> AdminResponse.of(200, PROMETHEUS_TEXT, server.services().meters().scrape()));
        router.get("/", r -> new AdminResponse(200, "text/html; charset=utf-8", DASHBOARD, java.util.Map.of())
                .withHeader("Content-Security-Policy", DASHBOARD_POLICY));
        return router;
    }

    private static byte[] resource(String name) {
        try (InputStream in = AdminRoutes.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("engawa/admin/" + name + " is missing from the build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
