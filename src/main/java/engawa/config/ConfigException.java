package engawa.config;

import java.util.List;
import java.util.stream.Collectors;

/** A document that cannot be used; carries every error found, not just the first. */
public final class ConfigException extends RuntimeException {
    private final List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String path, String message) {
        this(List.of(ConfigProblem.error(path, message)));
    }

    public List<ConfigProblem> problems() {
        return problems;
    }
}
