package engawa.cli;

import engawa.cutover.CutoverException;
import engawa.cutover.CutoverPlan;
import engawa.cutover.CutoverRunner;
import engawa.cutover.PlanReader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code engawa cutover plan|apply|status|rollback PLAN.yaml}: a cutover plan, run against instances' admin APIs. */
@Command(name = "cutover", mixinStandardHelpOptions = true,
        description = "Move names between frontends in checked, reversible steps (see docs/cutover.md).",
        subcommands = {CutoverCommand.Plan.class, CutoverCommand.Apply.class, CutoverCommand.Status.class, CutoverCommand.Rollback.class})
final class CutoverCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required: plan, apply, status or rollback");
    }

    /** What every subcommand takes: the plan file, and where target {@code local} is. */
    abstract static class Action implements Callable<Integer> {
        @Parameters(paramLabel = "PLAN.yaml", description = "the cutover plan")
        Path file;

        @Option(names = "--admin", paramLabel = "URL", description = "admin API of target \"local\" (default " + PlanReader.DEFAULT_ADMIN + ")")
        String admin;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CutoverPlan plan = PlanReader.read(file, admin);
            try (CutoverRunner runner = new CutoverRunner(plan, System.getenv(), spec.commandLine().getOut())) {
                return run(runner);
            } catch (CutoverException e) {
                throw new CliException("cutover " + plan.name() + ": " + e.getMessage(), e);
            }
        }

        abstract int run(CutoverRunner runner) throws Exception;
    }

    @Command(name = "plan", mixinStandardHelpOptions = true,
            description = "Print the numbered steps with their change, checks, rollback and cache effects, simulated against the "
                    + "live documents; exit 1 when a step breaks the safety invariant and no later step restores it.")
    static final class Plan extends Action {
        @Override
        int run(CutoverRunner runner) {
            return runner.plan();
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true,
            description = "Apply the steps one revision at a time, each checked; resume an interrupted run; on a failed check "
                    + "roll back (or stop, with on_failure: stop).")
    static final class Apply extends Action {
        @Override
        int run(CutoverRunner runner) throws InterruptedException {
            return runner.apply();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Say where the cutover stands, step by step.")
    static final class Status extends Action {
        @Override
        int run(CutoverRunner runner) {
            return runner.status();
        }
    }

    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Undo every applied step, newest first, each checked; finishes an interrupted rollback.")
    static final class Rollback extends Action {
        @Override
        int run(CutoverRunner runner) throws InterruptedException {
            return runner.rollback();
        }
    }
}
