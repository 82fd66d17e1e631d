package engawa.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import engawa.testing.AdminClient;
import engawa.testing.EngawaProcess;
import engawa.testing.TestServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The runner killed with SIGKILL in the middle of a step ({@code engawa cutover apply} as a process): the record on
 * the home instance, compared with the live documents, lets {@code status} say exactly what was applied,
 * {@code apply} resume where it stopped, and {@code rollback} undo it all. The dead runner's lease lapses by
 * itself (plan {@code lease: 2s}); a long settle gives the kill a step in flight to land on.
 */
class CutoverKillIT {

    @Test
    void killedDuringAStepThenStatusThenResumeThenRollback() throws Exception {
        try (TwoInstances two = TwoInstances.start(300)) {
            String oldBefore = TwoInstances.canonical(two.oldDocument());
            String newBefore = TwoInstances.canonical(two.newDocument());
            Path plan = TestServer.write(TestServer.newDir(), "plan.yaml", two.referencePlan()
                    .replace("settle: 1s", "settle: 2s\nlease: 2s\ntimeout: 10s"));

            // Killed while step 4 waits to be checked: it is applied, its checks are not done.
            Cli killed = Cli.start(plan, "apply");
            killed.killAfter("applied: site parrot: hosts *.example.test");

            Cli status = Cli.run(plan, "status");
            assertThat(status.exit).as(status.output()).isZero();
            assertThat(status.output()).contains("cutover www-to-parrot: applying")
                    .containsPattern("1\\. create the www zone .*: applied as revision \\d+")
                    .containsPattern("3\\. certificate for www.example.test .*: applied as revision \\d+")
                    .containsPattern("4\\. wildcard name on the new frontend \\[on new\\]: applied as revision \\d+ at \\S+; checks not finished")
                    .contains("5. point www at the new frontend [on new]: not applied")
                    .contains("7. narrow the wildcard to the exact name [on new]: not applied");

            CutoverPlan p = PlanReader.read(plan, null);
            StringWriter text = new StringWriter();
            try (CutoverRunner r = new CutoverRunner(p, TwoInstances.ENV, new PrintWriter(text, true))) {
                assertThat(r.apply()).as(text.toString()).isZero();
                assertThat(text.toString()).contains("resuming (4 of 7 steps applied").contains("step 4/7")
                        .doesNotContain("step 3/7").contains("done: 7 steps applied and checked");
                assertThat(two.newDocument().path("sites").path("parrot").path("hosts").toString()).isEqualTo("[\"www.example.test\"]");

                // A runner killed between sending a change and recording it: status tells from the live document.
                AdminClient home = new AdminClient(two.old.port("admin"));
                ObjectNode record = (ObjectNode) AdminClient.json(home.get("/api/v1/cutovers/www-to-parrot"));
                ObjectNode halfway = record.deepCopy();
                ObjectNode step7 = (ObjectNode) halfway.path("steps").get(6);
                step7.put("state", "applying");
                step7.remove(List.of("after_revision", "applied_at", "checks_state", "checks"));
                halfway.put("state", "applying");
                post(home, halfway);
                text.getBuffer().setLength(0);
                r.status();
                assertThat(text.toString()).contains("7. narrow the wildcard to the exact name [on new]: was being applied when the runner stopped: "
                        + "applied (the live document is the one the step wrote)");
                post(home, record);

                text.getBuffer().setLength(0);
                assertThat(r.rollback()).as(text.toString()).isZero();
            }
            assertThat(TwoInstances.canonical(two.oldDocument())).isEqualTo(oldBefore);
            assertThat(TwoInstances.canonical(two.newDocument())).isEqualTo(newBefore);

            // Killed again, right after www was switched to the new frontend; rolled back from the command line.
            Cli again = Cli.start(plan, "apply");
            again.killAfter("applied: set @ ALIAS site parrot");
            Cli rollback = Cli.run(plan, "rollback");
            assertThat(rollback.exit).as(rollback.output()).isZero();
            assertThat(rollback.output()).contains("undo step 5/7").contains("undo step 1/7").doesNotContain("undo step 6/7")
                    .contains("cutover www-to-parrot rolled back");
            assertThat(TwoInstances.canonical(two.oldDocument())).isEqualTo(oldBefore);
            assertThat(TwoInstances.canonical(two.newDocument())).isEqualTo(newBefore);
            StringWriter after = new StringWriter();
            try (CutoverRunner r = new CutoverRunner(p, TwoInstances.ENV, new PrintWriter(after, true))) {
                assertThat(r.status()).isZero();
            }
            assertThat(after.toString()).contains("cutover www-to-parrot: rolled_back").contains("5. point www at the new frontend [on new]: rolled back")
                    .contains("6. take the name off the old frontend [on old]: not applied")
                    .contains("caches: resolvers may answer from before the rollback until");
        }
    }

    private static void post(AdminClient home, JsonNode record) {
        var response = AdminClient.send(home.request("/api/v1/cutovers").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(record.toString())));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    /** {@code engawa cutover ACTION PLAN} as a separate JVM, its output collected line by line. */
    private static final class Cli {
        final Process process;
        final List<String> lines = Collections.synchronizedList(new ArrayList<>());
        int exit = -1;

        private Cli(Process process) {
            this.process = process;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l = in.readLine(); l != null; l = in.readLine()) {
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // The process was killed: what it printed so far is kept.
                }
            });
        }

        static Cli start(Path plan, String action) throws IOException {
            ProcessBuilder pb = EngawaProcess.command("cutover", action, plan.toString()).redirectErrorStream(true);
            pb.environment().putAll(TwoInstances.ENV);
            return new Cli(pb.start());
        }

        static Cli run(Path plan, String action) throws Exception {
            Cli c = start(plan, action);
            if (!c.process.waitFor(120, TimeUnit.SECONDS)) {
                c.process.destroyForcibly();
                throw new AssertionError("engawa cutover " + action + " did not finish:\n" + c.output());
            }
            c.exit = c.process.exitValue();
            Thread.sleep(100); // let the reader take the last lines
            return c;
        }

        /** SIGKILL as soon as a line containing {@code marker} is printed. */
        void killAfter(String marker) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (lines.stream().noneMatch(l -> l.contains(marker))) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    process.destroyForcibly();
                    throw new AssertionError("never printed \"" + marker + "\":\n" + output());
                }
                Thread.sleep(20);
            }
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        String output() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }
    }
}
