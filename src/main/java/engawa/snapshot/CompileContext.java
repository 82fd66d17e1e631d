package engawa.snapshot;

import engawa.config.EngawaConfig;
import engawa.config.Problems;
import engawa.upstream.UpstreamSet;

/**
 * What a part's compiler gets: the validated document, the shared services, where to report problems, and
 * the upstream pools this snapshot will use.
 */
public record CompileContext(EngawaConfig config, Services services, Problems problems, UpstreamSet upstreams) {
}
