package engawa.snapshot;

import engawa.config.EngawaConfig;
import engawa.config.Problems;

/** What a part's compiler gets: the validated document, the shared services, and where to report problems. */
public record CompileContext(EngawaConfig config, Services services, Problems problems) {
}
