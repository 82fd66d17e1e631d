package engawa.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import engawa.config.ConfigDocument;
import engawa.config.ConfigException;
import engawa.config.ConfigProblem;
import engawa.testing.Examples;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanReaderTest {

    private static CutoverPlan read(String yaml) {
        return PlanReader.read(ConfigDocument.parse(yaml, Path.of(".")).tree(), Path.of("."), null, null);
    }

    private static List<String> problems(String yaml) {
        try {
            read(yaml);
        } catch (ConfigException e) {
            return e.problems().stream().map(ConfigProblem::toString).toList();
        }
        throw new AssertionError("no problem found in\n" + yaml);
    }

    @Test
    void readsTheReferencePlan() {
        CutoverPlan plan = PlanReader.read(Examples.dir().resolve("cutover-www.yaml"), null);
        assertThat(plan.name()).isEqualTo("www-to-parrot");
        assertThat(plan.targets()).containsOnlyKeys("old", "new");
        assertThat(plan.targets().get("new").tokenEnv()).isEqualTo("ENGAWA_NEW_TOKEN");
        assertThat(plan.home().name()).isEqualTo("old");
        assertThat(plan.steps()).extracting(CutoverPlan.Step::on).containsExactly("new", "old", "new", "new", "new", "old", "new");
        assertThat(plan.steps().get(0).change()).isInstanceOf(ChangeOp.CreateZone.class);
        assertThat(plan.steps().get(1).change()).isEqualTo(new ChangeOp.Delegate("example.test", "www.example.test", "new"));
        assertThat(plan.steps().get(4).checks()).hasSize(2);
        assertThat(plan.settle()).isEqualTo(Duration.ofSeconds(1));
        assertThat(plan.onFailure()).isEqualTo(CutoverPlan.OnFailure.ROLLBACK);
        assertThat(Invariant.hosts(plan)).containsExactly("www.example.test");
    }

    @Test
    void everyErrorNamesItsPath() {
        List<String> p = problems("""
                cutover: "bad name!"
                targets:
                  old: {admin: "ftp://x"}
                  new: {admin: "http://127.0.0.1:9180", token: x}
                steps:
                  - on: nwe
                    change: {op: set_site_hosts, hosts: [www.example.test]}
                  - on: new
                    change: {op: delegate, zone: example.test, child: other.test, to: old}
                    checks:
                      - dns: {server: new, name: www.example.test, expect: sometimes}
                      - tls: {server: new}
                      - http: {server: old, url: "gopher://x/"}
                  - on: old
                    change: {op: teleport}
                settle: soon
                colour: blue
                """);
        assertThat(p).contains(
                "cutover: \"bad name!\" is not a cutover name (letters, digits, . _ -; at most 100)",
                "targets.old.admin: \"ftp://x\" is not an http://HOST:PORT admin URL",
                "steps[0].on: no target named \"nwe\" (targets: old, new)",
                "steps[0].change.site: required",
                "steps[1].change.child: other.test. is not below zone example.test.",
                "steps[1].checks[1].tls.host: required",
                "steps[1].checks[2].http.url: \"gopher://x/\" is not an http:// or https:// URL with a host");
        assertThat(p).anyMatch(s -> s.startsWith("targets.new.token: unknown key"));
        assertThat(p).anyMatch(s -> s.startsWith("steps[1].checks[0].dns.expect:"));
        assertThat(p).anyMatch(s -> s.startsWith("steps[2].change.op:"));
        assertThat(p).anyMatch(s -> s.startsWith("settle:"));
        assertThat(p).anyMatch(s -> s.startsWith("colour: unknown key"));
    }

    @Test
    void moveExpandsIntoWildcardSwitchUnnameAndNarrow() {
        CutoverPlan plan = read("""
                cutover: move-www
                move: {host: www.example.test, from: peacock, to: parrot, zone: example.test, expect_body_contains: parrot}
                """);
        assertThat(plan.targets()).containsOnlyKeys("local");
        assertThat(plan.targets().get("local").admin().toString()).isEqualTo(PlanReader.DEFAULT_ADMIN);
        assertThat(plan.steps()).extracting(CutoverPlan.Step::name).containsExactly(
                "wildcard name *.example.test on parrot", "point www.example.test at parrot",
                "take www.example.test off peacock", "narrow *.example.test to www.example.test on parrot");
        assertThat(plan.steps()).allSatisfy(s -> assertThat(s.origin()).isEqualTo("move"));
        assertThat(plan.steps().get(0).change()).isEqualTo(new ChangeOp.SetSiteHosts("parrot", null, List.of("*.example.test"), List.of(), null));
        assertThat(plan.steps().get(1).change().describe()).isEqualTo("set www ALIAS site parrot in zone example.test.");
        assertThat(plan.steps().get(2).change()).isEqualTo(new ChangeOp.SetSiteHosts("peacock", null, List.of(), List.of("www.example.test"), null));
        assertThat(plan.steps().get(3).change()).isEqualTo(
                new ChangeOp.SetSiteHosts("parrot", null, List.of("www.example.test"), List.of("*.example.test"), null));
        assertThat(plan.steps().get(1).checks()).containsExactly(
                new Check.Dns("local", "www.example.test.", "A", "edge_of_site", List.of(), "parrot", null));
        assertThat(plan.steps().get(3).checks()).contains(
                new Check.Http("local", "https://www.example.test/", 200, "parrot", java.util.Map.of(), null));
    }

    @Test
    void prepareLowersTheTtlsOfEveryZoneChangedBeforeTheFirstStep() {
        CutoverPlan plan = read("""
                cutover: ttl
                targets: {a: {admin: "http://127.0.0.1:1"}, b: {admin: "http://127.0.0.2:1"}}
                prepare: {lower_ttl: 60s}
                steps:
                  - {on: b, change: {op: create_zone, zone: www.example.test}}
                  - {on: a, change: {op: delegate, zone: example.test, child: www.example.test, to: b}}
                  - {on: a, change: {op: set_record, zone: example.test, record: {name: api, type: A, values: [192.0.2.1]}}}
                """);
        assertThat(plan.steps()).hasSize(4);
        assertThat(plan.steps().get(0).change()).isEqualTo(new ChangeOp.LowerTtl("example.test.", Duration.ofSeconds(60)));
        assertThat(plan.steps().get(0).on()).isEqualTo("a");
        assertThat(plan.steps().get(0).origin()).isEqualTo("prepare");
    }

    @Test
    void aPlanWithNoStepIsAnError() {
        assertThatThrownBy(() -> read("cutover: nothing\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("steps: a plan has at least one step (or a move)");
    }
}
