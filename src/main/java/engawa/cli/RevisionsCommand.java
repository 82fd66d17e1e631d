package engawa.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "revisions", mixinStandardHelpOptions = true, description = "List config revisions, newest first.")
final class RevisionsCommand implements Callable<Integer> {
    @Mixin
    ControlOptions control;

    @Option(names = "--limit", defaultValue = "20", description = "how many (default: ${DEFAULT-VALUE})")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        try (ControlPlane cp = control.open(null)) {
            var list = cp.revisions(limit);
            if (list.isEmpty()) {
                out.println("no revisions in " + cp.describe());
                return 0;
            }
            out.printf("%-6s %-24s %s%n", "REV", "CREATED", "SOURCE");
            boolean first = true;
            for (var r : list) {
                out.printf("%-6s %-24s %s%s%n", r.id(), r.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS),
                        r.source(), first ? "  (newest)" : "");
                first = false;
            }
        }
        return 0;
    }
}
