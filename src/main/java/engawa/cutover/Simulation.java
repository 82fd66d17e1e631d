package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan played against the instances' documents in memory, with the same change code apply uses: for each
 * step, what it writes, what its rollback puts back, how long caches may keep old answers, and whether the
 * safety invariant holds after it. {@link #rejection} is the reason a plan must not run: a step breaks the
 * invariant and no later step restores it.
 */
final class Simulation {

    /** One step played: the paths it writes with their values before, the cache effect, the invariant after. */
    record Played(List<PathChange> paths, CacheHorizon.Effect caches, Invariant.Verdict after) {
    }

    /** One document path a step writes: its value before (null: absent) and after. */
    record PathChange(List<String> path, JsonNode before, JsonNode after) {
    }

    final Invariant.Verdict initial;
    final List<Played> steps = new ArrayList<>();
    /** Why the plan cannot be played (a step that cannot apply to the documents), or null. */
    final String error;

    private Simulation(Invariant.Verdict initial, String error) {
        this.initial = initial;
        this.error = error;
    }

    static Simulation run(CutoverPlan plan, Map<String, TargetClient.Live> lives, Map<String, String> adminHosts) {
        Map<String, JsonNode> docs = new LinkedHashMap<>();
        Map<String, String> baseDirs = new LinkedHashMap<>();
        lives.forEach((t, l) -> {
            docs.put(t, l.document().deepCopy());
            baseDirs.put(t, l.baseDir());
        });
        List<String> hosts = Invariant.hosts(plan);
        Invariant.Verdict initial = Invariant.simulated(hosts, docs, baseDirs, new ZoneModel(docs, adminHosts));
        List<Played> played = new ArrayList<>();
        String error = null;
        for (int i = 0; i < plan.steps().size(); i++) {
            CutoverPlan.Step s = plan.steps().get(i);
            JsonNode before = docs.get(s.on());
            ObjectNode after = (ObjectNode) before.deepCopy();
            try {
                s.change().apply(after, documents(docs, s.on()));
            } catch (CutoverException e) {
                error = "step " + (i + 1) + " (" + s.name() + ") cannot apply to " + s.on() + "'s document: " + e.getMessage();
                break;
            }
            List<PathChange> paths = changes(s.change(), before, after);
            CacheHorizon.Effect caches = CacheHorizon.of(s.on(), before, after, s.change().zones());
            docs.put(s.on(), after);
            played.add(new Played(paths, caches, Invariant.simulated(hosts, docs, baseDirs, new ZoneModel(docs, adminHosts))));
        }
        Simulation sim = new Simulation(initial, error);
        sim.steps.addAll(played);
        return sim;
    }

    static ChangeOp.Documents documents(Map<String, ? extends JsonNode> docs, String self) {
        return new ChangeOp.Documents() {
            @Override
            public JsonNode document(String target) {
                JsonNode d = docs.get(target);
                if (d == null) {
                    throw new CutoverException("no document for target " + target);
                }
                return d;
            }

            @Override
            public String self() {
                return self;
            }
        };
    }

    static List<PathChange> changes(ChangeOp op, JsonNode before, JsonNode after) {
        List<PathChange> out = new ArrayList<>();
        for (List<String> written : op.paths(before)) {
            // A path under a mapping that did not exist is put back by removing that mapping, not by leaving it empty.
            List<String> p = written;
            for (int k = 1; k < written.size(); k++) {
                if (DocumentTree.at(before, written.subList(0, k)) == null) {
                    p = List.copyOf(written.subList(0, k));
                    break;
                }
            }
            JsonNode b = DocumentTree.at(before, p);
            JsonNode a = DocumentTree.at(after, p);
            out.add(new PathChange(p, b == null ? null : b.deepCopy(), a == null ? null : a.deepCopy()));
        }
        return out;
    }

    /** Whether the invariant is expected to hold in state {@code k} (0: before the first step). */
    boolean expected(int k) {
        return k == 0 ? initial.holds() : k <= steps.size() && steps.get(k - 1).after().holds();
    }

    /** Why the plan must not run, or null. */
    String rejection(CutoverPlan plan) {
        if (error != null) {
            return error;
        }
        for (int k = 1; k <= steps.size(); k++) {
            if (expected(k - 1) && !expected(k)) {
                boolean restored = false;
                for (int j = k + 1; j <= steps.size(); j++) {
                    restored |= expected(j);
                }
                if (!restored) {
                    return "step " + k + " (" + plan.steps().get(k - 1).name() + ") breaks the safety invariant and no later step restores it: "
                            + steps.get(k - 1).after().lines().stream().filter(l -> l.contains(": ")).toList();
                }
            }
        }
        return null;
    }
}
