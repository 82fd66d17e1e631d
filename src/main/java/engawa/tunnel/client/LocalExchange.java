package engawa.tunnel.client;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/** Receives what the local service answers on a {@link LocalConnection}; on the client's event loop. */
interface LocalExchange {

    /** The response head (interim 1xx heads included; 101 means the connection switched protocols). */
    void response(HttpResponse response);

    /** A piece of the response body, the last one a {@code LastHttpContent}; the receiver releases it. */
    void content(HttpContent content);

    /** The connection failed or closed before the response ended. */
    void failed(String why);
}
