package engawa.doctor;

/** One result of {@code engawa doctor}: how bad, about what, what was seen, and what to do. */
public record Finding(Level level, String subject, String message, String hint) {

    public enum Level { OK, WARN, FAIL }

    public static Finding ok(String subject, String message) {
        return new Finding(Level.OK, subject, message, null);
    }

    public static Finding warn(String subject, String message, String hint) {
        return new Finding(Level.WARN, subject, message, hint);
    }

    public static Finding fail(String subject, String message, String hint) {
        return new Finding(Level.FAIL, subject, message, hint);
    }

    @Override
    public String toString() {
        String head = String.format("%-4s %s: %s", level == Level.OK ? "ok" : level.name().toLowerCase(), subject, message);
        return hint == null ? head : head + "\n       -> " + hint;
    }
}
