package engawa.http.codec;

/**
 * Why a request was refused before it reached a handler, and the status to answer with (400, 408, 413,
 * 414, 431, 501, 505). It travels as the failure cause of a request's or a body's decoder result; the
 * dispatcher answers with the status and closes the connection. Carries no stack trace: it is an answer,
 * not a bug.
 */
public final class RequestRejectedException extends RuntimeException {
    private final int status;

    public RequestRejectedException(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** A short description of the fault for the error page, or null when the status says it all. */
    public String reason() {
        return getMessage();
    }
}
