package engawa.cli;

import engawa.config.ConfigDocument;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "apply", mixinStandardHelpOptions = true,
        description = "Validate a document and store it as the next revision; a running server serves it within a second.")
final class ApplyCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Mixin
    ControlOptions control;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ConfigDocument doc = ConfigDocument.load(file);
        try (ControlPlane cp = control.open(doc)) {
            var current = cp.current();
            if (current.isPresent() && current.get().document().canonicalJson().equals(doc.canonicalJson())) {
                spec.commandLine().getOut().println("no changes: " + file + " equals revision " + current.get().revision());
                return 0;
            }
            var applied = cp.apply(doc, "apply " + file);
            applied.warnings().forEach(w -> spec.commandLine().getOut().println("warning: " + w));
            spec.commandLine().getOut().println("revision " + applied.revision() + " stored (" + cp.describe() + ")");
        }
        return 0;
    }
}
