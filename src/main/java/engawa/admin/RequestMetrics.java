package engawa.admin;

import engawa.http.ExchangeObserver;
import engawa.http.HttpExchange;
import engawa.http.Route;
import engawa.http.Site;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Counts every HTTP exchange: {@code engawa_http_requests_total{site,route,status}} and the latency
 * histogram {@code engawa_http_request_duration_seconds{site}} (fixed buckets from 1 ms to 30 s).
 * {@code site} and {@code route} are {@code -} when the request reached none (unknown host, no route);
 * status 499 (nginx's "client closed request") counts exchanges that ended before any response.
 *
 * <p>Runs on the event loops, once per request, so the meters are looked up once and cached by site name,
 * route name and status: a request costs two hash lookups of existing strings, an array read, a counter
 * increment and a timer record, with no Micrometer tag lookup and no allocation. Thread-safe.
 */
public final class RequestMetrics implements ExchangeObserver {
    static final String REQUESTS = "engawa.http.requests";
    static final String DURATION = "engawa.http.request.duration";
    static final String NONE = "-";
    private static final int CLIENT_CLOSED = 499;
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30)};

    private final MeterRegistry meters;
    private final ConcurrentHashMap<String, SiteMeters> sites = new ConcurrentHashMap<>();
    private final SiteMeters noSite;

    public RequestMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.noSite = new SiteMeters(NONE);
    }

    @Override
    public void completed(HttpExchange exchange, boolean success) {
        Site site = exchange.site();
        SiteMeters sm = site == null ? noSite : site(site.name());
        Route route = exchange.route();
        RouteMeters rm = route == null ? sm.noRoute : sm.route(route.name());
        int status = exchange.status();
        rm.counter(status >= 100 && status <= 599 ? status : CLIENT_CLOSED).increment();
        sm.latency.record(System.nanoTime() - exchange.startNanos(), TimeUnit.NANOSECONDS);
    }

    private SiteMeters site(String name) {
        SiteMeters sm = sites.get(name);
        return sm != null ? sm : sites.computeIfAbsent(name, SiteMeters::new);
    }

    private final class SiteMeters {
        final String site;
        final Timer latency;
        final RouteMeters noRoute;
        final ConcurrentHashMap<String, RouteMeters> routes = new ConcurrentHashMap<>();

        SiteMeters(String site) {
            this.site = site;
            this.latency = Timer.builder(DURATION)
                    .description("Time from reading a request's head to writing the last byte of its response")
                    .tag("site", site)
                    .serviceLevelObjectives(BUCKETS)
                    .register(meters);
            this.noRoute = new RouteMeters(site, NONE);
        }

        RouteMeters route(String name) {
            RouteMeters rm = routes.get(name);
            return rm != null ? rm : routes.computeIfAbsent(name, n -> new RouteMeters(site, n));
        }
    }

    private final class RouteMeters {
        final String site;
        final String route;
        final AtomicReferenceArray<Counter> byStatus = new AtomicReferenceArray<>(600);

        RouteMeters(String site, String route) {
            this.site = site;
            this.route = route;
        }

        Counter counter(int status) {
            Counter c = byStatus.get(status);
            if (c == null) {
                // Registering twice yields the same counter, so a race here loses nothing.
                c = Counter.builder(REQUESTS)
                        .description("HTTP requests by site, route and response status")
                        .tags("site", site, "route", route, "status", Integer.toString(status))
                        .register(meters);
                byStatus.set(status, c);
            }
            return c;
        }
    }
}
