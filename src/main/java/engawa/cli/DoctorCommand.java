package engawa.cli;

import engawa.config.ConfigDocument;
import engawa.config.EngawaConfig;
import engawa.doctor.Doctor;
import engawa.doctor.Environment;
import engawa.doctor.Finding;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Explain the classic reasons an edge does not answer: listeners on loopback only, ports not open, "
                + "upstreams not listening (or bound to 127.0.0.1 in another container). Exit 1 when something fails.")
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "document to examine (default: the newest revision in the store)")
    Path config;

    @Mixin
    StoreOptions store;

    @Option(names = "--timeout", defaultValue = "2000", description = "connect timeout in ms (default: ${DEFAULT-VALUE})")
    int timeoutMillis;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ConfigDocument doc;
        if (config != null) {
            doc = ConfigDocument.load(config);
        } else {
            try (StoreControl sc = new StoreControl(store)) {
                doc = sc.current().orElseThrow(() -> new CliException("no revision in " + sc.describe() + "; give --config FILE"))
                        .document();
            }
        }
        List<Finding> findings = new Doctor(EngawaConfig.read(doc), Environment.detect(), timeoutMillis).run();
        var out = spec.commandLine().getOut();
        findings.forEach(out::println);
        long failed = findings.stream().filter(f -> f.level() == Finding.Level.FAIL).count();
        long warned = findings.stream().filter(f -> f.level() == Finding.Level.WARN).count();
        out.printf("%d checks: %d failed, %d warnings%n", findings.size(), failed, warned);
        return failed > 0 ? 1 : 0;
    }
}
