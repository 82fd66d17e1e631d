package engawa.admin;

import engawa.config.ConfigException;
import engawa.config.ConfigProblem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's routes, and the one place every call goes through (as Caddy's {@code admin.go}
 * {@code addRoute} does): the {@link AdminGuard} first, then the route whose method and pattern match
 * ({@code /api/v1/rollback/{rev}}), then whatever the route threw turned into a JSON error with a precise
 * status, and the call counted in {@code engawa_admin_requests_total{route,method,status}}.
 *
 * <p>Routes are registered before the listener starts ({@code get}, {@code put}, {@code post}); a part
 * that adds endpoints (tunnels, cutovers) registers them in {@link AdminRoutes}. A route returns its
 * response or throws: {@link ApiException} for a status of its choice, {@link ConfigException} for a
 * document that cannot be served (422 with every problem); anything else is a 500 and is logged.
 * {@link #dispatch} runs on a virtual thread and may block.
 */
public final class AdminRouter {
    private static final Logger LOG = LoggerFactory.getLogger(AdminRouter.class);

    /** One endpoint. May block (store, compiling documents): it runs on a virtual thread. */
    @FunctionalInterface
    public interface Route {
        AdminResponse handle(AdminRequest request) throws Exception;
    }

    private record Entry(HttpMethod method, String pattern, String[] segments, Route route) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final AdminGuard guard;
    private final MeterRegistry meters;

    AdminRouter(AdminGuard guard, MeterRegistry meters) {
        this.guard = guard;
        this.meters = meters;
    }

    public AdminRouter get(String pattern, Route route) {
        return add(HttpMethod.GET, pattern, route);
    }

    public AdminRouter put(String pattern, Route route) {
        return add(HttpMethod.PUT, pattern, route);
    }

    public AdminRouter post(String pattern, Route route) {
        return add(HttpMethod.POST, pattern, route);
    }

    public AdminRouter delete(String pattern, Route route) {
        return add(HttpMethod.DELETE, pattern, route);
    }

    /** Adds a route; {@code {name}} segments of the pattern become {@link AdminRequest#param}. */
    public synchronized AdminRouter add(HttpMethod method, String pattern, Route route) {
        for (Entry e : entries) {
            if (e.method.equals(method) && e.pattern.equals(pattern)) {
                throw new IllegalStateException("admin route already registered: " + method + " " + pattern);
            }
        }
        entries.add(new Entry(method, pattern, split(pattern), route));
        return this;
    }

    /** Answers one call; never throws. HEAD is answered as GET (the listener drops the body). */
    AdminResponse dispatch(AdminRequest request) {
        String routeName = "unmatched";
        AdminResponse response;
        try {
            AdminGuard.Verdict verdict = guard.check(request);
            if (verdict.rejection() != null) {
                response = verdict.rejection();
            } else {
                HttpMethod method = request.method().equals(HttpMethod.HEAD) ? HttpMethod.GET : request.method();
                String[] path = split(request.path());
                Entry found = null;
                Map<String, String> params = null;
                StringJoiner allowed = new StringJoiner(", ");
                for (Entry e : entries()) {
                    Map<String, String> p = match(e.segments, path);
                    if (p == null) {
                        continue;
                    }
                    if (e.method.equals(method)) {
                        found = e;
                        params = p;
                        break;
                    }
                    allowed.add(e.method.name());
                }
                if (found != null) {
                    routeName = found.pattern;
                    response = call(found, request.with(params, verdict.principal()));
                } else if (allowed.length() > 0) {
                    response = AdminResponse.error(405, request.method() + " is not allowed on " + request.path())
                            .withHeader("Allow", allowed.toString());
                } else {
                    response = AdminResponse.error(404, "no such endpoint: " + request.path());
                }
            }
        } catch (RuntimeException e) {
            LOG.error("admin {} {} failed", request.method(), request.path(), e);
            response = AdminResponse.error(500, "internal error: " + e);
        }
        Counter.builder("engawa.admin.requests")
                .description("Admin API calls by route pattern, method and status")
                .tags("route", routeName, "method", request.method().name(), "status", Integer.toString(response.status()))
                .register(meters)
                .increment();
        return response;
    }

    private static AdminResponse call(Entry entry, AdminRequest request) {
        try {
            return entry.route.handle(request);
        } catch (ApiException e) {
            return AdminResponse.error(e.status(), e.getMessage());
        } catch (ConfigException e) {
            return invalidConfig(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return AdminResponse.error(503, "interrupted: the server is stopping");
        } catch (Exception e) {
            LOG.error("admin {} {} failed", request.method(), request.path(), e);
            return AdminResponse.error(500, "internal error: " + e);
        }
    }

    /** 422 {@code {"error": "invalid config", "problems": [{"path": ..., "message": ...}]}}. */
    static AdminResponse invalidConfig(ConfigException e) {
        List<Map<String, String>> problems = new ArrayList<>();
        for (ConfigProblem p : e.problems()) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("path", p.path());
            m.put("message", p.message());
            problems.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "invalid config");
        body.put("problems", problems);
        return AdminResponse.json(422, body);
    }

    private synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    private static Map<String, String> match(String[] pattern, String[] path) {
        if (pattern.length != path.length) {
            return null;
        }
        Map<String, String> params = Map.of();
        for (int i = 0; i < pattern.length; i++) {
            String p = pattern[i];
            if (p.startsWith("{") && p.endsWith("}")) {
                if (path[i].isEmpty()) {
                    return null;
                }
                if (params.isEmpty()) {
                    params = new LinkedHashMap<>();
                }
                params.put(p.substring(1, p.length() - 1), path[i]);
            } else if (!p.equals(path[i])) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String path) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        return p.equals("/") ? new String[0] : p.substring(1).split("/", -1);
    }
}
