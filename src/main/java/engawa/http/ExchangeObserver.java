package engawa.http;

/**
 * Told once about every exchange when its response has been written, or the exchange ended without one:
 * the access log and the request metrics. Runs on the event loop; must not block.
 */
@FunctionalInterface
public interface ExchangeObserver {
    /** {@code success} is false when the connection failed before the response was fully written. */
    void completed(HttpExchange exchange, boolean success);

    ExchangeObserver NONE = (ex, ok) -> { };
}
