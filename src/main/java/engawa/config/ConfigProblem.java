package engawa.config;

/** One thing wrong with a config document, at a path such as {@code sites.parrot.routes[1].proxy}. */
public record ConfigProblem(String path, String message, boolean warning) {

    public static ConfigProblem error(String path, String message) {
        return new ConfigProblem(path, message, false);
    }

    public static ConfigProblem warning(String path, String message) {
        return new ConfigProblem(path, message, true);
    }

    @Override
    public String toString() {
        return (path.isEmpty() ? "" : path + ": ") + message;
    }
}
