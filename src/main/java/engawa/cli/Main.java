package engawa.cli;

import engawa.config.ConfigException;
import engawa.config.ConfigProblem;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code engawa}: the command line. Thin: each subcommand parses its options and calls into the product. */
@Command(name = "engawa", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "An edge for web services: DNS, TLS, static files, reverse proxy, tunnels and cutovers.",
        subcommands = {
                ServeCommand.class, CheckCommand.class, PlanCommand.class, ApplyCommand.class,
                RevisionsCommand.class, RollbackCommand.class, QuickstartCommand.class, DoctorCommand.class, CertCommand.class, TunnelCommand.class,
                ZoneCommand.class, CutoverCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            // Leak tracking touches every message on every handler; the tests run it paranoid instead.
            // -Dio.netty.leakDetection.level=simple turns it back on to chase a leak in production.
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code: 0 done, 1 a failure it explained, 2 bad usage. */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::failure);
        return cl.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required (see engawa --help)");
    }

    private static int failure(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        var err = cl.getErr();
        if (e instanceof ConfigException ce) {
            for (ConfigProblem p : ce.problems()) {
                err.println("error: " + p);
            }
        } else if (e instanceof CliException) {
            err.println("engawa: " + e.getMessage());
        } else {
            err.println("engawa: " + e);
            if (System.getenv("ENGAWA_DEBUG") != null) {
                e.printStackTrace(err);
            }
        }
        err.flush();
        return 1;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"engawa " + (v == null ? "dev" : v) + " (Java " + Runtime.version() + ")"};
        }
    }
}
