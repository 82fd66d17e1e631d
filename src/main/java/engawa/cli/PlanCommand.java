package engawa.cli;

import engawa.config.ConfigDiff;
import engawa.config.ConfigDocument;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotCompiler;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Validate a document and show how it differs from the revision being served.")
final class PlanCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Mixin
    ControlOptions control;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ConfigDocument doc = ConfigDocument.load(file);
        try (Services dry = Services.dry(null, null)) {
            new SnapshotCompiler(dry).compile(doc, 0);
        }
        var out = spec.commandLine().getOut();
        try (ControlPlane cp = control.open(doc)) {
            var current = cp.current();
            if (current.isEmpty()) {
                out.println("no revision yet in " + cp.describe() + ": applying " + file + " creates revision 1");
                return 0;
            }
            List<String> lines = ConfigDiff.diff(current.get().document().tree(), doc.tree());
            if (lines.isEmpty()) {
                out.println("no changes: " + file + " equals revision " + current.get().revision());
            } else {
                out.println("changes from revision " + current.get().revision() + " (" + cp.describe() + "):");
                lines.forEach(l -> out.println("  " + l));
            }
        }
        return 0;
    }
}
