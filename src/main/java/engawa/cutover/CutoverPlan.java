package engawa.cutover;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A cutover plan as read and validated from its YAML document ({@link PlanReader}): the instances it acts on,
 * its steps (each one change on one instance plus the checks that prove it), and how it waits, checks and
 * fails. The {@code move:} shorthand and {@code prepare: {lower_ttl}} are already expanded into steps here.
 * Immutable.
 *
 * @param lowerTtl   {@code prepare.lower_ttl}, or null: lower the TTLs of the zones the plan changes first
 * @param lease      how long a target's cutover lease lasts unless renewed (a dead runner's lapses after it)
 */
public record CutoverPlan(String name, Map<String, Target> targets, List<Step> steps, Duration settle, Duration timeout,
                          OnFailure onFailure, Duration lowerTtl, Duration lease, Path file) {

    /** What a failed check does: undo every applied step in reverse ({@code rollback}), or stop where it is. */
    public enum OnFailure { ROLLBACK, STOP }

    /** An instance by its admin API; the bearer token comes from {@code tokenEnv} (null: none). */
    public record Target(String name, URI admin, String tokenEnv) {
    }

    /**
     * One step: a change applied to instance {@code on} as one revision, then its checks.
     *
     * @param origin where the step came from when the plan did not spell it out ({@code move}, {@code prepare}), else null
     */
    public record Step(String name, String on, ChangeOp change, List<Check> checks, String origin) {
    }

    /** The instance a plan's record lives on: the first target listed (see docs/cutover.md). */
    public Target home() {
        return targets.values().iterator().next();
    }

    /** The targets some step changes, in plan order: each is leased while the cutover runs. */
    public List<String> changedTargets() {
        return steps.stream().map(Step::on).distinct().toList();
    }
}
