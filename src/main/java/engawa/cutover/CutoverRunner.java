package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import engawa.config.ConfigDocument;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a cutover plan: {@link #plan} prints and simulates it, {@link #apply} applies its steps one revision at a
 * time with their checks (resuming a run that was interrupted), {@link #rollback} undoes what was applied in
 * reverse, {@link #status} says where it stands. Progress lives in the plan's record on its home instance
 * ({@code POST /api/v1/cutovers}), written before each change is sent and after it is served, so that a runner
 * killed at any point leaves a record that, compared with the target's live document, says exactly what was
 * applied. Each method returns the exit code: 0 done, 1 failed (and explained). Blocking; one thread.
 */
public final class CutoverRunner implements AutoCloseable {
    private static final Duration RETRY = Duration.ofMillis(200);

    private final CutoverPlan plan;
    private final PrintWriter out;
    private final Fleet fleet;
    private final Checker checker;
    private final List<String> hosts;
    private ObjectNode record;

    public CutoverRunner(CutoverPlan plan, Map<String, String> env, PrintWriter out) {
        this.plan = plan;
        this.out = out;
        this.fleet = new Fleet(plan, env);
        this.checker = new Checker(fleet);
        this.hosts = Invariant.hosts(plan);
    }

    // ---------------------------------------------------------------- plan

    public int plan() {
        int n = plan.steps().size();
        say("cutover %s: %d step%s on %s; record kept on %s", plan.name(), n, n == 1 ? "" : "s", targetsLine(), plan.home().name());
        say("settle %s after each change, checks retried for up to %s, on failure: %s", seconds(plan.settle()), seconds(plan.timeout()),
                plan.onFailure().name().toLowerCase(java.util.Locale.ROOT));
        say("safety invariant, checked before and after every step: %s resolve%s through Engawa's DNS to an edge whose site serves it with a certificate that covers it",
                hosts.isEmpty() ? "(no host named)" : String.join(", ", hosts), hosts.size() == 1 ? "s" : "");
        Simulation sim;
        try {
            sim = simulate();
        } catch (CutoverException e) {
            printSteps(null);
            say("");
            say("cannot simulate the plan: %s", e.getMessage());
            return 1;
        }
        say("before: invariant %s: %s", sim.initial.holds() ? "holds" : "DOES NOT HOLD", sim.initial.summary());
        printSteps(sim);
        String rejected = sim.rejection(plan);
        say("");
        if (rejected != null) {
            say("plan rejected: %s", rejected);
            return 1;
        }
        say("Checks query Engawa's own listeners: they prove what Engawa answers, not what resolvers on the internet have cached.");
        return 0;
    }

    private void printSteps(Simulation sim) {
        long wait = 0;
        for (int i = 0; i < plan.steps().size(); i++) {
            CutoverPlan.Step s = plan.steps().get(i);
            say("");
            say("%d. %s [on %s%s]", i + 1, s.name(), s.on(), s.origin() == null ? "" : ", from " + s.origin());
            say("   change:   %s", s.change().describe());
            if (s.checks().isEmpty()) {
                say("   checks:   (none but the invariant)");
            }
            for (int c = 0; c < s.checks().size(); c++) {
                say("   %s %s", c == 0 ? "checks:  " : "         ", s.checks().get(c).describe());
            }
            Simulation.Played p = sim == null || i >= sim.steps.size() ? null : sim.steps.get(i);
            if (p == null) {
                say("   rollback: put back what %s had at the paths this change writes", s.on());
                continue;
            }
            for (int k = 0; k < p.paths().size(); k++) {
                Simulation.PathChange pc = p.paths().get(k);
                if (pc.before() == null && pc.after() == null) {
                    continue;
                }
                say("   %s %s", k == 0 ? "rollback:" : "         ", restoreLine(s.on(), pc.path(), pc.before()));
            }
            for (String line : p.caches().lines()) {
                say("   caches:   %s", line);
            }
            if (s.change() instanceof ChangeOp.LowerTtl lt) {
                wait = Math.max(wait, p.caches().seconds());
                say("   then:     wait %ds for resolvers to drop answers with the old TTLs before the first switch", wait);
            }
            say("   invariant after: %s: %s", p.after().holds() ? "holds" : "BROKEN", p.after().summary());
        }
        if (sim != null && sim.error != null) {
            say("");
            say("%s", sim.error);
        }
    }

    private Simulation simulate() {
        Map<String, TargetClient.Live> lives = new LinkedHashMap<>();
        for (String t : plan.targets().keySet()) {
            lives.put(t, fleet.client(t).live());
        }
        return Simulation.run(plan, lives, fleet.adminHosts());
    }

    // ---------------------------------------------------------------- apply

    public int apply() throws InterruptedException {
        Optional<ObjectNode> existing = fleet.client(plan.home().name()).record(plan.name());
        if (existing.isPresent()) {
            String state = existing.get().path("state").asText();
            if (state.equals("done")) {
                say("cutover %s is done already (%s); nothing to apply", plan.name(), existing.get().path("updated_at").asText());
                return 0;
            }
            if (state.equals("rolling_back")) {
                say("cutover %s was being rolled back when its runner stopped: finish with engawa cutover rollback", plan.name());
                return 1;
            }
        }
        try (Leases leases = new Leases(fleet, plan.name(), plan.lease())) {
            leases.take(plan.changedTargets(), out);
            boolean fresh = existing.isEmpty() || existing.get().path("state").asText().equals("rolled_back");
            if (fresh) {
                Simulation sim = simulate();
                String rejected = sim.rejection(plan);
                if (rejected != null) {
                    say("plan rejected: %s", rejected);
                    return 1;
                }
                record = newRecord(sim);
                save();
                say("cutover %s: %d steps; record on %s", plan.name(), plan.steps().size(), plan.home().name());
            } else {
                record = existing.get();
                checkSamePlan();
                record.put("state", "applying");
                say("cutover %s: resuming (%s)", plan.name(), progressLine());
                reconcileAll(false);
                save();
            }
            for (int i = 0; i < plan.steps().size(); i++) {
                if (leases.lost() != null) {
                    throw new CutoverException("lost the lease: " + leases.lost());
                }
                if (done(step(i))) {
                    continue;
                }
                if (!runStep(i)) {
                    if (plan.onFailure() == CutoverPlan.OnFailure.ROLLBACK) {
                        say("step %d failed: rolling back every applied step, newest first", i + 1);
                        rollbackApplied();
                    } else {
                        record.put("state", "failed");
                        save();
                        say("step %d failed: stopped (on_failure: stop); engawa cutover rollback undoes what was applied", i + 1);
                    }
                    return 1;
                }
            }
            record.put("state", "done");
            save();
            say("cutover %s done: %d steps applied and checked", plan.name(), plan.steps().size());
            return 0;
        }
    }

    /** Applies step {@code i} (unless applied already) and runs its checks; false when it failed. */
    private boolean runStep(int i) throws InterruptedException {
        CutoverPlan.Step s = plan.steps().get(i);
        ObjectNode rs = step(i);
        int n = plan.steps().size();
        say("step %d/%d: %s [on %s]", i + 1, n, s.name(), s.on());
        if (rs.path("state").asText().equals("pending")) {
            waitForCaches(s);
            Invariant.Verdict before = invariant(i);
            rs.set("invariant_before", verdictJson(before));
            if (!before.holds() && expected(i)) {
                rs.put("checks_state", "failed");
                save();
                say("  invariant before FAILED: %s", before.summary());
                return false;
            }
            say("  invariant before: %s: %s", before.holds() ? "holds" : "does not hold (as the plan expects)", before.summary());
            if (s.change() instanceof ChangeOp.IssueCertificate ic) {
                JsonNode issued = fleet.client(s.on()).issue(ic.name(), ic.issuer(), ic.hosts());
                say("  issued certificate %s for %s, valid until %s", ic.name(), issued.path("hosts"), issued.path("not_after").asText());
            }
            TargetClient client = fleet.client(s.on());
            TargetClient.Live live = client.live();
            ObjectNode after = live.document().deepCopy();
            try {
                s.change().apply(after, Simulation.documents(otherDocuments(s.on(), live), s.on()));
            } catch (CutoverException e) {
                say("  cannot apply: %s", e.getMessage());
                rs.put("checks_state", "failed");
                rs.put("error", e.getMessage());
                save();
                return false;
            }
            rs.put("state", "applying");
            rs.put("before_revision", live.revision());
            rs.put("before_digest", digest(live.document()));
            rs.put("after_digest", digest(after));
            ArrayNode paths = rs.putArray("paths");
            for (Simulation.PathChange pc : Simulation.changes(s.change(), live.document(), after)) {
                ObjectNode p = paths.addObject();
                p.set("path", DocumentTree.strings(pc.path()));
                if (pc.before() != null) {
                    p.set("before", pc.before());
                }
                if (pc.after() != null) {
                    p.set("after", pc.after());
                }
            }
            CacheHorizon.Effect caches = CacheHorizon.of(s.on(), live.document(), after, s.change().zones());
            rs.put("old_answers_ttl", caches.seconds());
            save();
            long revision;
            try {
                revision = after.equals(live.document()) ? live.revision()
                        : client.put(after, live.baseDir(), "cutover " + plan.name() + " step " + (i + 1) + ": " + s.name());
            } catch (TargetClient.Rejected e) {
                rs.put("state", "pending");
                rs.put("checks_state", "failed");
                rs.put("error", e.getMessage());
                save();
                say("  %s refused the change:", s.on());
                e.problems.forEach(p -> say("    %s", p));
                return false;
            }
            rs.put("state", "applied");
            rs.put("after_revision", revision);
            rs.put("applied_at", Instant.now().toString());
            if (s.change() instanceof ChangeOp.LowerTtl lt) {
                long wait = CacheHorizon.longestTtl(s.on(), live.document(), lt.zone());
                Instant ready = Instant.now().plusSeconds(wait);
                Instant known = instant(record.path("caches_ready_at"));
                if (known == null || ready.isAfter(known)) {
                    record.put("caches_ready_at", ready.toString());
                }
            }
            save();
            say("  applied: %s, revision %d on %s", s.change().describe(), revision, s.on());
            caches.lines().forEach(l -> say("  caches: %s", l));
        }
        sleep(plan.settle());
        boolean ok = true;
        ArrayNode results = rs.putArray("checks");
        for (Check c : s.checks()) {
            Checker.Outcome o = retry(c);
            ok &= o.ok();
            results.addObject().put("check", c.describe()).put("ok", o.ok()).put("detail", o.detail());
            say("  check %s %s: %s", o.ok() ? "ok  " : "FAIL", c.describe(), o.detail());
        }
        Invariant.Verdict after = invariant(i + 1);
        rs.set("invariant_after", verdictJson(after));
        boolean invariantOk = after.holds() || !expected(i + 1);
        say("  invariant after: %s: %s", after.holds() ? "holds" : invariantOk ? "does not hold (as the plan expects; a later step restores it)" : "FAILED",
                after.summary());
        ok &= invariantOk;
        rs.put("checks_state", ok ? "passed" : "failed");
        save();
        return ok;
    }

    private Checker.Outcome retry(Check c) throws InterruptedException {
        Duration timeout = c.timeout() == null ? plan.timeout() : c.timeout();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Checker.Outcome o = checker.run(c);
            if (o.ok() || System.nanoTime() > deadline) {
                return o;
            }
            Thread.sleep(RETRY.toMillis());
        }
    }

    /** The live invariant, retried until the timeout while it does not hold but state {@code k} should hold it. */
    private Invariant.Verdict invariant(int k) throws InterruptedException {
        if (hosts.isEmpty()) {
            return new Invariant.Verdict(true, List.of("no host named"));
        }
        long deadline = System.nanoTime() + plan.timeout().toNanos();
        while (true) {
            Invariant.Verdict v;
            try {
                v = Invariant.live(hosts, fleet);
            } catch (CutoverException e) {
                v = new Invariant.Verdict(false, List.of(e.getMessage()));
            }
            if (v.holds() || !expected(k) || System.nanoTime() > deadline) {
                return v;
            }
            Thread.sleep(RETRY.toMillis());
        }
    }

    private void waitForCaches(CutoverPlan.Step s) throws InterruptedException {
        if (s.change() instanceof ChangeOp.LowerTtl) {
            return;
        }
        Instant ready = instant(record.path("caches_ready_at"));
        if (ready != null && ready.isAfter(Instant.now())) {
            Duration d = Duration.between(Instant.now(), ready);
            say("  waiting %s for resolvers to drop answers cached with the old TTLs", seconds(d));
            Thread.sleep(Math.max(0, d.toMillis()));
        }
    }

    // ---------------------------------------------------------------- rollback

    public int rollback() throws InterruptedException {
        Optional<ObjectNode> existing = fleet.client(plan.home().name()).record(plan.name());
        if (existing.isEmpty()) {
            say("cutover %s has no record on %s: nothing was applied", plan.name(), plan.home().name());
            return 0;
        }
        record = existing.get();
        checkSamePlan();
        if (record.path("state").asText().equals("rolled_back")) {
            say("cutover %s is rolled back already", plan.name());
            printCaches();
            return 0;
        }
        try (Leases leases = new Leases(fleet, plan.name(), plan.lease())) {
            leases.take(plan.changedTargets(), out);
            say("cutover %s: rolling back (%s)", plan.name(), progressLine());
            return rollbackApplied() ? 0 : 1;
        }
    }

    /** Undoes every applied step, newest first, each checked; true when all were undone. */
    private boolean rollbackApplied() throws InterruptedException {
        reconcileAll(true);
        record.put("state", "rolling_back");
        save();
        for (int i = plan.steps().size() - 1; i >= 0; i--) {
            ObjectNode rs = step(i);
            String state = rs.path("state").asText();
            if (!state.equals("applied") && !state.equals("rolling_back")) {
                continue;
            }
            CutoverPlan.Step s = plan.steps().get(i);
            say("undo step %d/%d: %s [on %s]", i + 1, plan.steps().size(), s.name(), s.on());
            TargetClient client = fleet.client(s.on());
            TargetClient.Live live = client.live();
            ObjectNode restored = live.document().deepCopy();
            for (JsonNode p : rs.path("paths")) {
                List<String> path = path(p);
                JsonNode now = DocumentTree.at(live.document(), path);
                if (!state.equals("rolling_back") && !java.util.Objects.equals(now, p.get("after"))) {
                    say("  note: %s on %s changed since the cutover wrote it; putting back the value from before the step anyway", String.join(".", path), s.on());
                }
                DocumentTree.put(restored, path, p.get("before"));
            }
            CacheHorizon.Effect caches = CacheHorizon.of(s.on(), live.document(), restored, s.change().zones());
            rs.put("state", "rolling_back");
            rs.put("rollback_from_digest", digest(live.document()));
            rs.put("rollback_digest", digest(restored));
            save();
            long revision;
            try {
                revision = restored.equals(live.document()) ? live.revision()
                        : client.put(restored, live.baseDir(), "cutover " + plan.name() + " rollback of step " + (i + 1) + ": " + s.name());
            } catch (TargetClient.Rejected e) {
                say("  %s refused the rollback of step %d:", s.on(), i + 1);
                e.problems.forEach(p -> say("    %s", p));
                say("rollback stopped at step %d; fix the cause and run engawa cutover rollback again", i + 1);
                return false;
            }
            rs.put("state", "rolled_back");
            rs.put("rollback_revision", revision);
            rs.put("rolled_back_at", Instant.now().toString());
            Instant settled = Instant.now().plusSeconds(caches.seconds());
            Instant known = instant(record.path("caches_settled_at"));
            if (known == null || settled.isAfter(known)) {
                record.put("caches_settled_at", settled.toString());
            }
            save();
            say("  restored %s on %s as revision %d", pathsLine(rs), s.on(), revision);
            caches.lines().forEach(l -> say("  caches: %s", l));
            // The rollback's own check: the target now serves the values from before the step.
            TargetClient.Live check = client.live();
            List<String> differ = new ArrayList<>();
            for (JsonNode p : rs.path("paths")) {
                if (!java.util.Objects.equals(DocumentTree.at(check.document(), path(p)), p.get("before"))) {
                    differ.add(String.join(".", path(p)));
                }
            }
            say("  check %s %s serves what it had before the step%s", differ.isEmpty() ? "ok  " : "FAIL", s.on(),
                    differ.isEmpty() ? "" : ": " + differ + " differ");
            Invariant.Verdict v = invariant(i);
            say("  invariant after: %s: %s", v.holds() ? "holds" : expected(i) ? "FAILED" : "does not hold (nor did it before this step)", v.summary());
        }
        record.put("state", "rolled_back");
        save();
        say("cutover %s rolled back", plan.name());
        printCaches();
        return true;
    }

    // ---------------------------------------------------------------- status

    public int status() {
        Optional<ObjectNode> existing = fleet.client(plan.home().name()).record(plan.name());
        if (existing.isEmpty()) {
            say("cutover %s: not started (no record on %s)", plan.name(), plan.home().name());
            return 0;
        }
        record = existing.get();
        say("cutover %s: %s (record on %s, updated %s)", plan.name(), record.path("state").asText(), plan.home().name(),
                record.path("updated_at").asText());
        for (int i = 0; i < record.path("steps").size(); i++) {
            ObjectNode rs = step(i);
            say("%d. %s [on %s]: %s", i + 1, rs.path("name").asText(), rs.path("on").asText(), stepStatus(i, rs));
            for (JsonNode c : rs.path("checks")) {
                say("     check %s %s: %s", c.path("ok").asBoolean() ? "ok  " : "FAIL", c.path("check").asText(), c.path("detail").asText());
            }
        }
        Instant ready = instant(record.path("caches_ready_at"));
        if (ready != null) {
            say("lowered TTLs: resolvers hold only answers with the lowered TTLs %s %s", ready.isAfter(Instant.now()) ? "from" : "since", ready);
        }
        printCaches();
        return 0;
    }

    private String stepStatus(int i, ObjectNode rs) {
        String state = rs.path("state").asText();
        String checks = rs.path("checks_state").asText("");
        return switch (state) {
            case "pending" -> "not applied" + (checks.equals("failed") ? " (it failed: " + rs.path("error").asText("invariant before") + ")" : "");
            case "applied" -> "applied as revision " + rs.path("after_revision").asLong() + " at " + rs.path("applied_at").asText() + "; checks "
                    + (checks.isEmpty() ? "not finished" : checks);
            case "rolled_back" -> "rolled back as revision " + rs.path("rollback_revision").asLong() + " at " + rs.path("rolled_back_at").asText();
            case "applying" -> "was being applied when the runner stopped: " + liveVerdict(rs, "after_digest", "before_digest",
                    "applied (the live document is the one the step wrote)", "not applied (the live document is the one from before)");
            case "rolling_back" -> "was being rolled back when the runner stopped: " + liveVerdict(rs, "rollback_digest", "rollback_from_digest",
                    "rolled back (the live document is the restored one)", "still applied (the live document is the one from before the rollback)");
            default -> state;
        };
    }

    private String liveVerdict(ObjectNode rs, String doneKey, String notKey, String done, String not) {
        try {
            TargetClient.Live live = fleet.client(rs.path("on").asText()).live();
            String d = digest(live.document());
            if (d.equals(rs.path(doneKey).asText())) {
                return done + ", revision " + live.revision();
            }
            if (d.equals(rs.path(notKey).asText())) {
                return not + ", revision " + live.revision();
            }
            return "unknown: " + rs.path("on").asText() + "'s live document (revision " + live.revision() + ") is neither; it changed since";
        } catch (CutoverException e) {
            return "unknown: " + e.getMessage();
        }
    }

    private void printCaches() {
        Instant settled = instant(record.path("caches_settled_at"));
        if (settled == null) {
            return;
        }
        Instant now = Instant.now();
        if (settled.isAfter(now)) {
            say("caches: resolvers may answer from before the rollback until %s (%s from now); Engawa itself answers the rolled-back records already",
                    settled, seconds(Duration.between(now, settled)));
        } else {
            say("caches: every resolver has the rolled-back answers since %s", settled);
        }
    }

    // ---------------------------------------------------------------- record

    private ObjectNode newRecord(Simulation sim) {
        ObjectNode r = DocumentTree.NODES.objectNode();
        r.put("cutover", plan.name());
        r.put("plan_file", plan.file() == null ? "" : plan.file().toString());
        r.put("home", plan.home().name());
        r.put("state", "applying");
        r.put("started_at", Instant.now().toString());
        r.set("hosts", DocumentTree.strings(hosts));
        ArrayNode expected = r.putArray("invariant_expected");
        for (int k = 0; k <= plan.steps().size(); k++) {
            expected.add(sim.expected(k));
        }
        ArrayNode steps = r.putArray("steps");
        for (CutoverPlan.Step s : plan.steps()) {
            steps.addObject().put("name", s.name()).put("on", s.on()).put("change", s.change().describe()).put("state", "pending");
        }
        return r;
    }

    /** Refuses to resume or roll back with a plan whose steps are not the recorded ones. */
    private void checkSamePlan() {
        JsonNode steps = record.path("steps");
        boolean same = steps.size() == plan.steps().size();
        for (int i = 0; same && i < steps.size(); i++) {
            CutoverPlan.Step s = plan.steps().get(i);
            same = steps.get(i).path("on").asText().equals(s.on()) && steps.get(i).path("change").asText().equals(s.change().describe());
        }
        if (!same) {
            throw new CutoverException("the plan's steps are not those recorded for cutover " + plan.name() + " on " + plan.home().name()
                    + ": resume or roll back with the plan that was applied");
        }
    }

    /** Settles steps left half-done by a runner that stopped, by comparing the live documents with the recorded digests. */
    private void reconcileAll(boolean forRollback) {
        for (int i = 0; i < plan.steps().size(); i++) {
            ObjectNode rs = step(i);
            String state = rs.path("state").asText();
            if (!state.equals("applying") && !state.equals("rolling_back")) {
                continue;
            }
            TargetClient.Live live = fleet.client(rs.path("on").asText()).live();
            String d = digest(live.document());
            if (state.equals("applying")) {
                if (d.equals(rs.path("after_digest").asText())) {
                    rs.put("state", "applied");
                    rs.put("after_revision", live.revision());
                    rs.put("applied_at", Instant.now().toString());
                    say("step %d was applied before the runner stopped (revision %d on %s)", i + 1, live.revision(), rs.path("on").asText());
                } else if (d.equals(rs.path("before_digest").asText())) {
                    rs.put("state", "pending");
                    say("step %d was not applied before the runner stopped", i + 1);
                } else if (forRollback) {
                    rs.put("state", "applied");
                    say("step %d: %s's document changed since; its paths are put back all the same", i + 1, rs.path("on").asText());
                } else {
                    throw new CutoverException("step " + (i + 1) + ": " + rs.path("on").asText() + "'s document (revision " + live.revision()
                            + ") is neither the one before the step nor the one it wrote; someone changed it. Roll back, or check it by hand");
                }
            } else if (d.equals(rs.path("rollback_digest").asText())) {
                rs.put("state", "rolled_back");
                rs.put("rollback_revision", live.revision());
                rs.put("rolled_back_at", Instant.now().toString());
            }
        }
    }

    private void save() {
        fleet.client(plan.home().name()).saveRecord(record);
    }

    private ObjectNode step(int i) {
        return (ObjectNode) record.path("steps").get(i);
    }

    private boolean expected(int k) {
        JsonNode e = record.path("invariant_expected");
        return k < e.size() && e.get(k).asBoolean();
    }

    private static boolean done(ObjectNode rs) {
        return rs.path("state").asText().equals("applied") && rs.path("checks_state").asText().equals("passed");
    }

    private Map<String, JsonNode> otherDocuments(String self, TargetClient.Live selfLive) {
        Map<String, JsonNode> docs = new LinkedHashMap<>();
        for (String t : plan.targets().keySet()) {
            docs.put(t, t.equals(self) ? selfLive.document() : fleet.client(t).live().document());
        }
        return docs;
    }

    private String progressLine() {
        int applied = 0;
        for (JsonNode s : record.path("steps")) {
            if (!s.path("state").asText().equals("pending") && !s.path("state").asText().equals("rolled_back")) {
                applied++;
            }
        }
        return applied + " of " + record.path("steps").size() + " steps applied, state " + record.path("state").asText();
    }

    private String targetsLine() {
        List<String> parts = new ArrayList<>();
        plan.targets().values().forEach(t -> parts.add(t.name() + " (" + t.admin() + ")"));
        return String.join(", ", parts);
    }

    private static String restoreLine(String target, List<String> path, JsonNode before) {
        String p = String.join(".", path);
        if (before == null) {
            return "remove " + p + " from " + target + " (absent before)";
        }
        String v = before.toString();
        return "put back " + p + " on " + target + " = " + (v.length() > 100 ? v.substring(0, 97) + "..." : v);
    }

    private static String pathsLine(ObjectNode rs) {
        List<String> out = new ArrayList<>();
        rs.path("paths").forEach(p -> out.add(String.join(".", path(p)) + (p.has("before") ? "" : " (removed)")));
        return String.join(", ", out);
    }

    private static List<String> path(JsonNode p) {
        List<String> out = new ArrayList<>();
        p.path("path").forEach(x -> out.add(x.asText()));
        return out;
    }

    private static ObjectNode verdictJson(Invariant.Verdict v) {
        ObjectNode o = DocumentTree.NODES.objectNode().put("holds", v.holds());
        o.set("lines", DocumentTree.strings(v.lines()));
        return o;
    }

    static String digest(JsonNode document) {
        try {
            String canonical = new ConfigDocument(document, null).canonicalJson();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Instant instant(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? null : Instant.parse(n.asText());
    }

    private static void sleep(Duration d) throws InterruptedException {
        if (!d.isZero() && !d.isNegative()) {
            Thread.sleep(d.toMillis());
        }
    }

    private static String seconds(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 || ms >= 10_000 ? (ms + 500) / 1000 + "s" : ms + "ms";
    }

    private void say(String format, Object... args) {
        out.println(args.length == 0 ? format : String.format(format, args));
        out.flush();
    }

    @Override
    public void close() {
        fleet.close();
    }
}
