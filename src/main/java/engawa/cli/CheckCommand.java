package engawa.cli;

import engawa.config.ConfigDocument;
import engawa.config.ConfigProblem;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotCompiler;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check", mixinStandardHelpOptions = true,
        description = "Validate a config document: every error, each with its path; exit 1 if there is any.")
final class CheckCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "YAML or JSON config document")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ConfigDocument doc = ConfigDocument.load(file);
        try (Services dry = Services.dry(null, null)) {
            var compiled = new SnapshotCompiler(dry).compile(doc, 0);
            var out = spec.commandLine().getOut();
            for (ConfigProblem w : compiled.warnings()) {
                out.println("warning: " + w);
            }
            var c = compiled.snapshot().config();
            out.printf("%s: valid (%s, %s, %s, %s)%n", file, count(c.sites().size(), "site"),
                    count(c.upstreams().size(), "upstream"), count(c.zones().size(), "zone"),
                    count(c.certificates().size(), "certificate"));
        }
        return 0;
    }

    private static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
