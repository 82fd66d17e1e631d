package engawa.store;

/** The store could not be read or written; the message says which store and what failed. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }
}
