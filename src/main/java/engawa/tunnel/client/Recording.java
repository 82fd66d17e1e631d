package engawa.tunnel.client;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Instant;

/**
 * One request and its response as the inspector keeps them: heads whole, bodies up to the inspector's cap.
 * Filled in on the client's event loop as the exchange goes; read there too.
 */
final class Recording {
    final long id;
    final Instant at = Instant.now();
    final String method;
    final String target;
    final HttpHeaders requestHeaders;
    final BodyCapture requestBody;
    final BodyCapture responseBody;
    final Long replayOf;
    int status;
    HttpHeaders responseHeaders = new DefaultHttpHeaders();
    long micros;
    String error;

    Recording(long id, String method, String target, HttpHeaders requestHeaders, int cap, Long replayOf) {
        this.id = id;
        this.method = method;
        this.target = target;
        this.requestHeaders = new DefaultHttpHeaders().add(requestHeaders);
        this.requestBody = new BodyCapture(cap);
        this.responseBody = new BodyCapture(cap);
        this.replayOf = replayOf;
    }
}
