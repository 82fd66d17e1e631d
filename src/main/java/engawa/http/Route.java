package engawa.http;

/**
 * A compiled route: its path prefix, a stable name for logs and metrics ({@code routes[1]}), the largest
 * request body it accepts, and the handler chain (guards folded in front of the handler at compile time).
 */
public record Route(String prefix, String name, long maxBody, HttpHandler handler) {

    /** Longest-prefix matching: {@code /api/} matches {@code /api/x} and {@code /api} itself. */
    public boolean matches(String path) {
        if (path.startsWith(prefix)) {
            return true;
        }
        return prefix.length() > 1 && prefix.endsWith("/") && path.length() == prefix.length() - 1
                && prefix.startsWith(path);
    }
}
