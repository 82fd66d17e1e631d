package engawa.http;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;

/** {@code redirect: {to, status}}: answers with the status and Location; {@code {uri}} in {@code to} is the request's path and query. */
final class RedirectHandler implements HttpHandler {
    private final String to;
    private final int status;
    private final boolean templated;

    RedirectHandler(String to, int status) {
        this.to = to;
        this.status = status;
        this.templated = to.contains("{uri}");
    }

    @Override
    public void handle(HttpExchange ex) {
        String location = templated ? to.replace("{uri}", ex.path().raw()) : to;
        FullHttpResponse r = ErrorResponses.build(status, null, true);
        r.headers().set(HttpHeaderNames.LOCATION, location);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        ex.writeAndFlush(r);
    }
}
