package engawa.snapshot;

import engawa.config.ConfigDocument;
import engawa.config.ConfigProblem;
import engawa.config.EngawaConfig;
import engawa.config.Problems;
import engawa.dns.DnsIndex;
import engawa.http.HttpRoutingCompiler;
import engawa.tls.TlsIndexCompiler;
import java.util.List;

/**
 * Document to {@link Snapshot}: read and validate, then compile every part. All or nothing: any error
 * anywhere throws a {@code ConfigException} listing them all, and nothing is swapped in.
 */
public final class SnapshotCompiler {
    private final Services services;

    public SnapshotCompiler(Services services) {
        this.services = services;
    }

    /** Compiles {@code document}; the result carries {@code revision} (0 when not stored yet). */
    public Compiled compile(ConfigDocument document, long revision) {
        EngawaConfig config = EngawaConfig.read(document);
        Problems problems = new Problems();
        problems.addAll(config.warnings());
        // Pools are only created here; they start when the snapshot is installed, so a failed compile leaks nothing.
        var upstreams = services.upstreams().prepare(config);
        CompileContext ctx = new CompileContext(config, services, problems, upstreams);
        var http = HttpRoutingCompiler.compile(ctx);
        var tls = TlsIndexCompiler.compile(ctx);
        var dns = DnsIndex.compile(ctx, revision);
        problems.throwIfErrors();
        return new Compiled(new Snapshot(revision, document, config, http, upstreams, tls, dns), problems.warnings());
    }

    /** A compiled snapshot and the warnings worth showing (a static root that does not exist yet). */
    public record Compiled(Snapshot snapshot, List<ConfigProblem> warnings) {
        public Compiled withRevision(long revision) {
            return new Compiled(snapshot.withRevision(revision), warnings);
        }
    }
}
