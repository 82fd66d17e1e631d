package engawa.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "rollback", mixinStandardHelpOptions = true,
        description = "Serve an earlier revision again; it is stored as a new revision, so history only grows.")
final class RollbackCommand implements Callable<Integer> {
    @Parameters(paramLabel = "REV")
    long revision;

    @Mixin
    ControlOptions control;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try (ControlPlane cp = control.open(null)) {
            long id = cp.rollback(revision);
            spec.commandLine().getOut().println("revision " + id + " stored: the document of revision " + revision
                    + " (" + cp.describe() + ")");
        }
        return 0;
    }
}
