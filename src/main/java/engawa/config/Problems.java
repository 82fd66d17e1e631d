package engawa.config;

import java.util.ArrayList;
import java.util.List;

/** Collects errors and warnings while a document is read, validated and compiled, so all are reported at once. */
public final class Problems {
    private final List<ConfigProblem> all = new ArrayList<>();

    public void error(String path, String message) {
        all.add(ConfigProblem.error(path, message));
    }

    public void warning(String path, String message) {
        all.add(ConfigProblem.warning(path, message));
    }

    public void addAll(List<ConfigProblem> problems) {
        all.addAll(problems);
    }

    public boolean hasErrors() {
        return all.stream().anyMatch(p -> !p.warning());
    }

    public List<ConfigProblem> errors() {
        return all.stream().filter(p -> !p.warning()).toList();
    }

    public List<ConfigProblem> warnings() {
        return all.stream().filter(ConfigProblem::warning).toList();
    }

    /** Throws a {@link ConfigException} with every error collected so far, if there is any. */
    public void throwIfErrors() {
        if (hasErrors()) {
            throw new ConfigException(errors());
        }
    }
}
