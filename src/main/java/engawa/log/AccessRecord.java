package engawa.log;

import engawa.http.HttpExchange;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.net.InetAddress;

/**
 * What one access log line says, taken from an exchange on the event loop (references to strings the
 * request already holds; no formatting) and formatted later on the writer thread.
 *
 * @param basicAuth the Authorization header when it is HTTP Basic (for {@code $remote_user}), else null
 * @param status    the status sent; 499 when the client left before any response, as nginx logs it
 */
record AccessRecord(long epochMillis, InetAddress client, String basicAuth, String method, String uri, String protocol,
                    int status, long bodyBytes, String referer, String userAgent, String host, String site,
                    String route, long durationNanos, boolean json) {

    static AccessRecord of(HttpExchange ex, boolean json) {
        HttpRequest request = ex.request();
        HttpHeaders h = request.headers();
        String auth = h.get(HttpHeaderNames.AUTHORIZATION);
        int status = ex.status();
        return new AccessRecord(System.currentTimeMillis(), ex.clientAddress(),
                auth != null && auth.regionMatches(true, 0, "basic ", 0, 6) ? auth : null,
                request.method().name(), request.uri(), request.protocolVersion().text(),
                status == 0 ? 499 : status, ex.bytesSent(),
                h.get(HttpHeaderNames.REFERER), h.get(HttpHeaderNames.USER_AGENT), h.get(HttpHeaderNames.HOST),
                ex.site() == null ? null : ex.site().name(), ex.route() == null ? null : ex.route().name(),
                System.nanoTime() - ex.startNanos(), json);
    }
}
