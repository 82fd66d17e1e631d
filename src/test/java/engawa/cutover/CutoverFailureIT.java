package engawa.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.testing.AdminClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The reference plan with a check made to fail at each step in turn: the runner rolls back by itself, every
 * rollback checked, and both instances end up serving exactly the documents they had before the cutover.
 * Short settle and timeout (plan keys) keep the seven runs quick.
 */
class CutoverFailureIT {
    private static TwoInstances two;
    private static String oldBefore;
    private static String newBefore;

    @BeforeAll
    static void start() {
        two = TwoInstances.start(300);
        oldBefore = TwoInstances.canonical(two.oldDocument());
        newBefore = TwoInstances.canonical(two.newDocument());
    }

    @AfterAll
    static void stop() {
        two.close();
    }

    @ParameterizedTest(name = "[{index}] a check fails after step {0}")
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7})
    void aFailedCheckRollsBackEveryAppliedStep(int failing) throws Exception {
        CutoverPlan reference = quick(two.plan(two.referencePlan()));
        List<CutoverPlan.Step> steps = new ArrayList<>(reference.steps());
        CutoverPlan.Step s = steps.get(failing - 1);
        List<Check> checks = new ArrayList<>(s.checks());
        // The new frontend's files for this path were never deployed.
        checks.add(new Check.Http("new", "https://www.example.test/new-assets/app.js", 200, null, Map.of(), Duration.ofMillis(300)));
        steps.set(failing - 1, new CutoverPlan.Step(s.name(), s.on(), s.change(), List.copyOf(checks), null));
        CutoverPlan plan = new CutoverPlan("fail-at-" + failing, reference.targets(), List.copyOf(steps), reference.settle(),
                reference.timeout(), reference.onFailure(), null, reference.lease(), reference.file());

        String out = run(plan);

        assertThat(out).contains("step " + failing + " failed: rolling back").contains("check FAIL http https://www.example.test/new-assets/app.js")
                .contains("undo step 1/7").doesNotContain("undo step " + (failing + 1) + "/7").contains("rolled back");
        assertThat(TwoInstances.canonical(two.oldDocument())).isEqualTo(oldBefore);
        assertThat(TwoInstances.canonical(two.newDocument())).isEqualTo(newBefore);
        JsonNode record = AdminClient.json(new AdminClient(two.old.port("admin")).get("/api/v1/cutovers/fail-at-" + failing));
        assertThat(record.path("state").asText()).isEqualTo("rolled_back");
        assertThat(record.path("steps").get(failing - 1).path("checks_state").asText()).isEqualTo("failed");
    }

    @Test
    void missingFilesOnTheNewFrontendFailTheSwitchAndRollBack() throws Exception {
        Path index = two.parrotRoot.resolve("index.html");
        byte[] saved = Files.readAllBytes(index);
        Files.delete(index);
        try {
            String out = run(quick(two.plan(two.referencePlan().replace("cutover: www-to-parrot", "cutover: files-missing"))));
            assertThat(out).contains("step 5 failed: rolling back").contains("check FAIL http https://www.example.test/ on new: 200")
                    .contains("status 404");
        } finally {
            Files.write(index, saved);
        }
        assertThat(TwoInstances.canonical(two.oldDocument())).isEqualTo(oldBefore);
        assertThat(TwoInstances.canonical(two.newDocument())).isEqualTo(newBefore);
    }

    private static CutoverPlan quick(CutoverPlan p) {
        return new CutoverPlan(p.name(), p.targets(), p.steps(), Duration.ofMillis(100), Duration.ofSeconds(2), p.onFailure(),
                p.lowerTtl(), p.lease(), p.file());
    }

    private static String run(CutoverPlan plan) throws InterruptedException {
        StringWriter text = new StringWriter();
        int code;
        try (CutoverRunner r = new CutoverRunner(plan, TwoInstances.ENV, new PrintWriter(text, true))) {
            code = r.apply();
        }
        assertThat(code).as(text.toString()).isEqualTo(1);
        return text.toString();
    }
}
