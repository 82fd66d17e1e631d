package engawa.admin;

/**
 * A failed admin call with the status to answer: thrown by a route, turned into
 * {@code {"error": message}} by {@link AdminRouter}.
 */
public final class ApiException extends RuntimeException {
    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
