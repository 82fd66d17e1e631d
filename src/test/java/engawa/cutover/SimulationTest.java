package engawa.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import engawa.config.ConfigDocument;
import engawa.testing.Examples;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference plan played against the two instances' documents in memory, as {@code engawa cutover plan} does. */
class SimulationTest {
    private static final Map<String, String> ADMIN_HOSTS = Map.of("old", "127.0.0.1", "new", "127.0.0.2");

    private static Map<String, TargetClient.Live> lives() {
        Map<String, TargetClient.Live> lives = new LinkedHashMap<>();
        lives.put("old", live(TwoInstances.oldConfig(300)));
        lives.put("new", live(TwoInstances.newConfig(8080, 8443, 1053)));
        return lives;
    }

    private static TargetClient.Live live(String yaml) {
        return new TargetClient.Live(1, "/tmp", (ObjectNode) ConfigDocument.parse(yaml, Path.of("/tmp")).tree());
    }

    @Test
    void theReferencePlanKeepsTheInvariantAtEveryStep() {
        CutoverPlan plan = PlanReader.read(Examples.dir().resolve("cutover-www.yaml"), null);
        Simulation sim = Simulation.run(plan, lives(), ADMIN_HOSTS);
        assertThat(sim.error).isNull();
        assertThat(sim.rejection(plan)).isNull();
        assertThat(sim.initial.lines()).containsExactly("www.example.test -> 127.0.0.1 (old, site peacock)");
        assertThat(sim.steps.get(3).after().lines()).containsExactly("www.example.test -> 127.0.0.1 (old, site peacock)");
        assertThat(sim.steps.get(4).after().lines()).containsExactly("www.example.test -> 127.0.0.2 (new, site parrot)");
        assertThat(sim.steps.get(6).after().holds()).isTrue();
    }

    @Test
    void theCopyFlattensAnAliasOfTheOtherInstanceAndMakesNamesAbsolute() {
        CutoverPlan plan = PlanReader.read(Examples.dir().resolve("cutover-www.yaml"), null);
        Simulation sim = Simulation.run(plan, lives(), ADMIN_HOSTS);
        String zone = sim.steps.get(0).paths().get(0).after().toString();
        assertThat(zone).contains("{\"name\":\"@\",\"type\":\"A\",\"values\":[\"127.0.0.1\"]}")
                .contains("{\"name\":\"*\",\"type\":\"TXT\",\"values\":[\"wildcard under www\"]}")
                .contains("{\"name\":\"ns1\",\"type\":\"A\",\"values\":[\"127.0.0.2\"]}")
                .contains("\"primary\":\"ns1.www.example.test.\"").doesNotContain("ALIAS");
        assertThat(RecordCopy.absoluteNames("CNAME", "www", "example.test.")).isEqualTo("www.example.test.");
        assertThat(RecordCopy.absoluteNames("MX", "10 mail", "example.test.")).isEqualTo("10 mail.example.test.");
    }

    @Test
    void cachesShowTheOldTtlsAndTheNegativeTtlOfNewNames() {
        CutoverPlan plan = PlanReader.read(Examples.dir().resolve("cutover-www.yaml"), null);
        Simulation sim = Simulation.run(plan, lives(), ADMIN_HOSTS);
        assertThat(sim.steps.get(0).caches().lines()).containsExactly(
                "zone www.example.test. is new on new: nothing was answered from it before (REFUSED is not cached)");
        assertThat(sim.steps.get(1).caches().lines()).contains(
                "www.example.test. A: now answered by the referral to www.example.test.; resolvers may keep the old answer up to 300s (its TTL)",
                "www.example.test. NS: new; resolvers may keep the earlier \"no such record\" up to 300s (negative TTL, RFC 2308)",
                "ns1.www.example.test. A: new; resolvers may keep the earlier \"no such name\" up to 300s (negative TTL, RFC 2308)");
        assertThat(sim.steps.get(4).caches().lines()).containsExactly(
                "www.example.test. A: resolvers may keep the old answer up to 300s (its TTL)");
        assertThat(sim.steps.get(4).caches().seconds()).isEqualTo(300);
    }

    @Test
    void aPlanThatTakesTheNameAwayForGoodIsRejected() {
        CutoverPlan plan = PlanReader.read(ConfigDocument.parse("""
                cutover: unname
                targets: {old: {admin: "http://127.0.0.1:9080"}, new: {admin: "http://127.0.0.2:9180"}}
                steps:
                  - name: take the name off the old frontend
                    on: old
                    change: {op: set_site_hosts, site: peacock, hosts: []}
                    checks:
                      - tls: {server: old, host: www.example.test}
                """, Path.of(".")).tree(), Path.of("."), null, null);
        Simulation sim = Simulation.run(plan, lives(), ADMIN_HOSTS);
        assertThat(sim.rejection(plan)).startsWith("step 1 (take the name off the old frontend) breaks the safety invariant and no later step restores it")
                .contains("www.example.test -> 127.0.0.1 (old): no site serves it there");
    }

    @Test
    void aBreakThatALaterStepRepairsIsAllowed() {
        CutoverPlan plan = PlanReader.read(ConfigDocument.parse("""
                cutover: blink
                targets: {old: {admin: "http://127.0.0.1:9080"}, new: {admin: "http://127.0.0.2:9180"}}
                steps:
                  - {on: old, change: {op: set_site_hosts, site: peacock, hosts: []}}
                  - {on: old, change: {op: set_site_hosts, site: peacock, hosts: [www.example.test]}}
                """, Path.of(".")).tree(), Path.of("."), null, null);
        Simulation sim = Simulation.run(plan, lives(), ADMIN_HOSTS);
        assertThat(sim.expected(1)).isFalse();
        assertThat(sim.expected(2)).isTrue();
        assertThat(sim.rejection(plan)).isNull();
    }
}
