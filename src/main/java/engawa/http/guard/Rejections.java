package engawa.http.guard;

import engawa.http.ErrorResponses;
import engawa.http.HttpExchange;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;

/** The short answers guards give instead of letting a request through. Runs on the exchange's event loop. */
final class Rejections {

    private Rejections() {
    }

    static void send(HttpExchange ex, int status) {
        ex.writeAndFlush(build(ex, status));
    }

    /** 429 or 503 with {@code Retry-After} in whole seconds (at least 1). */
    static void retryLater(HttpExchange ex, int status, long retryAfterSeconds) {
        FullHttpResponse r = build(ex, status);
        r.headers().set(HttpHeaderNames.RETRY_AFTER, Long.toString(Math.max(1, retryAfterSeconds)));
        ex.writeAndFlush(r);
    }

    /** 401 with the Basic challenge for {@code realm}. */
    static void unauthorized(HttpExchange ex, String challenge) {
        FullHttpResponse r = build(ex, 401);
        r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        ex.writeAndFlush(r);
    }

    private static FullHttpResponse build(HttpExchange ex, int status) {
        return ErrorResponses.build(status, null, ex.request().method().equals(HttpMethod.HEAD));
    }
}
