package engawa.cutover;

/** A cutover that cannot go on, with a message for the operator (a step that cannot apply, a target out of reach). */
public class CutoverException extends RuntimeException {
    public CutoverException(String message) {
        super(message);
    }

    public CutoverException(String message, Throwable cause) {
        super(message, cause);
    }
}
