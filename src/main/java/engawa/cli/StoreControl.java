package engawa.cli;

import engawa.config.ConfigDocument;
import engawa.config.ConfigException;
import engawa.config.ConfigProblem;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotCompiler;
import engawa.store.Revision;
import engawa.store.Store;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** Config commands straight on the store: validate by compiling (no sockets), then append a revision. */
final class StoreControl implements ControlPlane {
    private final Store store;
    private final Path dataDir;

    StoreControl(StoreOptions options) {
        this.store = Store.open(options.data, options.store);
        this.dataDir = options.data;
    }

    Store store() {
        return store;
    }

    @Override
    public Optional<Current> current() {
        return store.latest().map(r -> new Current(r.id(), r.document()));
    }

    @Override
    public Applied apply(ConfigDocument document, String source) {
        try (Services dry = Services.dry(store, dataDir)) {
            var compiled = new SnapshotCompiler(dry).compile(document, 0);
            Revision r = store.append(document, source);
            return new Applied(r.id(), compiled.warnings().stream().map(ConfigProblem::toString).toList());
        }
    }

    @Override
    public List<RevisionInfo> revisions(int limit) {
        return store.revisions(limit).stream().map(r -> new RevisionInfo(r.id(), r.createdAt(), r.source())).toList();
    }

    @Override
    public long rollback(long revision) {
        Revision old = store.revision(revision).orElseThrow(() -> new ConfigException("", "no revision " + revision
                + " in " + store.describe()));
        return apply(old.document(), "rollback to " + revision).revision();
    }

    @Override
    public String describe() {
        return "store " + store.describe();
    }

    @Override
    public void close() {
        store.close();
    }
}
