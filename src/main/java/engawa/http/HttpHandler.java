package engawa.http;

/**
 * What serves a request once its site and route are known: static files, the proxy, FastCGI, a redirect,
 * a tunnel, or a guard (access rules, limits) in front of another handler. Compiled once per snapshot,
 * immutable and shared by every connection.
 *
 * <p>Runs on the connection's event loop and must not block. It must eventually finish the response
 * through {@link HttpExchange#write} (a {@code FullHttpResponse}, or an {@code HttpResponse} followed by
 * content ending in {@code LastHttpContent}), or close the exchange with {@link HttpExchange#abort}. A
 * guard that lets the request through calls the next handler exactly once and does nothing else with it.
 */
@FunctionalInterface
public interface HttpHandler {
    void handle(HttpExchange exchange);
}
