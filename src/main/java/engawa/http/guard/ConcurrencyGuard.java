package engawa.http.guard;

import engawa.config.RouteConfig;
import engawa.http.HttpExchange;
import engawa.http.HttpHandler;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * {@code limits: {concurrency, waiting_room}}: at most {@code concurrency} requests of the route in flight
 * (a slot is taken here and given back when the exchange completes). Over the limit, 503 with
 * {@code Retry-After}; or, with {@code waiting_room: true}, a browser (GET or HEAD accepting text/html) gets
 * a 200 page showing its place in line and a signed ticket cookie, and is let in on a later reload when
 * its ticket's turn comes (see {@link AdmissionControl} for the fairness guarantee). Other clients get the
 * 503: they cannot read the page, and an API client retrying is better told when to come back.
 * Immutable; runs on the event loop.
 */
public final class ConcurrencyGuard implements HttpHandler {
    private final RouteId route;
    private final AdmissionControl control;
    private final Tickets tickets;
    private final GuardMeters meters;
    private final HttpHandler next;
    private final Runnable release;
    private final String cookiePath;

    private ConcurrencyGuard(RouteId route, AdmissionControl control, Tickets tickets, GuardMeters meters, HttpHandler next) {
        this.route = route;
        this.control = control;
        this.tickets = tickets;
        this.meters = meters;
        this.next = next;
        this.release = control::release;
        // "/api" rather than "/api/": a cookie path matches itself and what lies below it, not "/apix".
        this.cookiePath = route.path().length() > 1 && route.path().endsWith("/")
                ? route.path().substring(0, route.path().length() - 1) : route.path();
    }

    /** {@code next} behind the route's concurrency limit, or {@code next} itself when it has none. */
    public static HttpHandler wrap(GuardStates states, RouteId route, RouteConfig.Limits limits, GuardMeters meters, HttpHandler next) {
        if (limits.concurrency() <= 0) {
            return next;
        }
        AdmissionControl control = states.admission(route, limits.concurrency(), limits.waitingRoom());
        return new ConcurrencyGuard(route, control, states.tickets(), meters, next);
    }

    @Override
    public void handle(HttpExchange ex) {
        if (control.tryEnter()) {
            admit(ex);
            return;
        }
        if (!control.waitingRoom()) {
            meters.overConcurrency().increment();
            Rejections.retryLater(ex, 503, 1);
            return;
        }
        boolean browser = isPageRequest(ex.request());
        AdmissionControl.Admission a = control.arrive(ticket(ex.request()), browser, System.nanoTime());
        switch (a.kind()) {
            case ADMITTED -> admit(ex);
            case ADMITTED_FROM_QUEUE -> {
                meters.admittedFromQueue().increment();
                admit(ex);
            }
            case WAIT -> {
                meters.waiting().increment();
                if (browser) {
                    sendPage(ex, a.ticket(), a.position());
                } else {
                    Rejections.retryLater(ex, 503, AdmissionControl.REFRESH_SECONDS);
                }
            }
            case BUSY -> {
                meters.overConcurrency().increment();
                Rejections.retryLater(ex, 503, AdmissionControl.REFRESH_SECONDS);
            }
            case FULL -> {
                meters.roomFull().increment();
                Rejections.retryLater(ex, 503, AdmissionControl.TICKET_TTL_SECONDS);
            }
        }
    }

    private void admit(HttpExchange ex) {
        ex.onComplete(release);
        next.handle(ex);
    }

    /** The number of this room's ticket among the request's cookies, or -1. */
    private long ticket(HttpRequest request) {
        for (String header : request.headers().getAll(HttpHeaderNames.COOKIE)) {
            if (!header.contains(Tickets.COOKIE)) {
                continue;
            }
            for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(header)) {
                if (c.name().equals(Tickets.COOKIE)) {
                    long n = tickets.decode(c.value(), route, control.roomId());
                    if (n >= 0) {
                        return n;
                    }
                }
            }
        }
        return -1;
    }

    private static boolean isPageRequest(HttpRequest request) {
        HttpMethod m = request.method();
        if (!m.equals(HttpMethod.GET) && !m.equals(HttpMethod.HEAD)) {
            return false;
        }
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        return accept != null && accept.toLowerCase(Locale.ROOT).contains("text/html");
    }

    private void sendPage(HttpExchange ex, long ticket, int position) {
        byte[] html = WaitingRoomPage.render(position, AdmissionControl.REFRESH_SECONDS, AdmissionControl.TICKET_TTL_SECONDS)
                .getBytes(StandardCharsets.UTF_8);
        boolean head = ex.request().method().equals(HttpMethod.HEAD);
        ByteBuf body = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(html);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, html.length);
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        DefaultCookie cookie = new DefaultCookie(Tickets.COOKIE, tickets.encode(route, control.roomId(), ticket));
        cookie.setPath(cookiePath);
        cookie.setHttpOnly(true);
        cookie.setSecure(ex.secure());
        cookie.setSameSite(CookieHeaderNames.SameSite.Lax);
        cookie.setMaxAge(AdmissionControl.TICKET_TTL_SECONDS * 2L);
        r.headers().set(HttpHeaderNames.SET_COOKIE, ServerCookieEncoder.STRICT.encode(cookie));
        ex.writeAndFlush(r);
    }
}
