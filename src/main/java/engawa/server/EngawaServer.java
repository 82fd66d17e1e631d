package engawa.server;

import engawa.config.ConfigDocument;
import engawa.config.ConfigException;
import engawa.config.ConfigProblem;
import engawa.http.HttpConnections;
import engawa.snapshot.Services;
import engawa.snapshot.Snapshot;
import engawa.snapshot.SnapshotCompiler;
import engawa.snapshot.SnapshotHolder;
import engawa.store.Revision;
import engawa.store.Store;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Engawa: the store, the current snapshot, the listeners, and the loop that follows the store
 * so that a revision written by {@code engawa apply} (or by another node sharing PostgreSQL) is served
 * within a second.
 *
 * <p>Every change goes the same way: compile the document (errors change nothing), bind any new listener
 * address (a port that cannot be bound changes nothing), store the revision, swap the snapshot, retire
 * replaced listeners. Requests in flight finish on the snapshot they started with.
 */
public final class EngawaServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EngawaServer.class);
    private static final String IMPORTS = "config-file-imports";

    /**
     * @param configFile a document to serve; stored as a new revision when it changed since it was last
     *                   imported, so that revisions applied later are not undone by a restart. May be null.
     * @param threads    event loop threads, 0 for one per core
     */
    public record Options(Path configFile, Path dataDir, String storeUrl, int threads) {
    }

    private final Options options;
    private final Store store;
    private final Services services;
    private final SnapshotCompiler compiler;
    private final HttpConnections httpConnections = new HttpConnections();
    private final ReentrantLock changes = new ReentrantLock();
    private final SnapshotHolder snapshots;
    private final ListenerSet listeners;
    private final Thread follower;
    private volatile boolean closed;
    private long lastRejected;

    private EngawaServer(Options options, Store store, Services services, Snapshot first) {
        this.options = options;
        this.store = store;
        this.services = services;
        this.compiler = new SnapshotCompiler(services);
        this.snapshots = new SnapshotHolder(first);
        this.listeners = new ListenerSet(new ListenerFactories(this, snapshots, services, httpConnections));
        this.follower = Thread.ofVirtual().name("engawa-revision-follower").unstarted(this::follow);
    }

    /** Opens the store, picks the revision to serve, binds every listener, and starts following the store. */
    public static EngawaServer start(Options options) {
        Store store = Store.open(options.dataDir(), options.storeUrl());
        Services services = null;
        try {
            services = Services.live(store, options.dataDir(), options.threads());
            Revision revision = initialRevision(store, options.configFile());
            SnapshotCompiler compiler = new SnapshotCompiler(services);
            SnapshotCompiler.Compiled compiled = compiler.compile(revision.document(), revision.id());
            logWarnings(revision.id(), compiled.warnings());
            services.upstreams().activate(compiled.snapshot().upstreams());
            EngawaServer server = new EngawaServer(options, store, services, compiled.snapshot());
            server.listeners.prepare(compiled.snapshot().config().listen()).commit();
            compiled.snapshot().dns().installed(null, services);
            server.follower.start();
            LOG.info("serving revision {} ({}) on {}", revision.id(), revision.source(), server.listeners.describe());
            return server;
        } catch (RuntimeException e) {
            if (services != null) {
                services.close();
            }
            store.close();
            throw e;
        }
    }

    private static Revision initialRevision(Store store, Path configFile) {
        if (configFile != null) {
            ConfigDocument doc = ConfigDocument.load(configFile);
            String key = configFile.toAbsolutePath().normalize().toString();
            String digest = sha256(doc.canonicalJson());
            var latest = store.latest();
            boolean sameAsLatest = latest.isPresent() && latest.get().document().canonicalJson().equals(doc.canonicalJson());
            boolean importedBefore = store.value(IMPORTS, key).map(digest::equals).orElse(false);
            if (!sameAsLatest && !importedBefore) {
                // Validate before storing: a broken file must not become the newest revision.
                new SnapshotCompiler(Services.dry(store, null)).compile(doc, 0);
                Revision r = store.append(doc, "serve --config " + configFile);
                store.putValue(IMPORTS, key, digest);
                return r;
            }
            store.putValue(IMPORTS, key, digest);
        }
        return store.latest().orElseThrow(() -> new ConfigException("",
                "no config: give --config FILE, or apply a document to the store at " + store.describe() + " first"));
    }

    public Snapshot snapshot() {
        return snapshots.get();
    }

    public Store store() {
        return store;
    }

    public Services services() {
        return services;
    }

    /** The port a role's listener is bound to, 0 when that role has no listener. */
    public int port(String role) {
        return listeners.port(role);
    }

    public Map<String, String> listenerAddresses() {
        return listeners.describe();
    }

    /** A revision now served, and the warnings its document gave (a static root that does not exist yet). */
    public record Applied(Revision revision, List<ConfigProblem> warnings) {
    }

    /**
     * Validates, stores and serves a document as the next revision. Throws {@link ConfigException} with
     * every problem when it cannot be served; then nothing has changed.
     */
    public Revision apply(ConfigDocument document, String source) {
        return applyDocument(document, source).revision();
    }

    /** {@link #apply}, telling the warnings too (the admin API returns them). */
    public Applied applyDocument(ConfigDocument document, String source) {
        changes.lock();
        try {
            SnapshotCompiler.Compiled compiled = compiler.compile(document, 0);
            ListenerSet.Prepared prepared = listeners.prepare(compiled.snapshot().config().listen());
            Revision revision;
            try {
                revision = store.append(document, source);
            } catch (RuntimeException e) {
                prepared.abandon();
                throw e;
            }
            install(compiled.withRevision(revision.id()), prepared, revision);
            return new Applied(revision, compiled.warnings());
        } finally {
            changes.unlock();
        }
    }

    /** Serves an earlier revision's document again, as a new revision. */
    public Revision rollback(long id) {
        Revision old = store.revision(id).orElseThrow(() -> new ConfigException("", "no revision " + id));
        return apply(old.document(), "rollback to " + id);
    }

    /** Re-reads the config file given at start (SIGHUP) and applies it when it changed. */
    public void reloadConfigFile() {
        if (options.configFile() == null) {
            LOG.info("reload: no --config file to read; revisions come from the store");
            return;
        }
        try {
            ConfigDocument doc = ConfigDocument.load(options.configFile());
            if (doc.canonicalJson().equals(snapshot().document().canonicalJson())) {
                LOG.info("reload: {} unchanged", options.configFile());
                return;
            }
            Revision r = apply(doc, "reload " + options.configFile());
            store.putValue(IMPORTS, options.configFile().toAbsolutePath().normalize().toString(), sha256(doc.canonicalJson()));
            LOG.info("reload: serving revision {}", r.id());
        } catch (ConfigException e) {
            LOG.error("reload: {} rejected, still serving revision {}:\n{}", options.configFile(), snapshot().revision(), e.getMessage());
        }
    }

    private void install(SnapshotCompiler.Compiled compiled, ListenerSet.Prepared prepared, Revision revision) {
        services.upstreams().activate(compiled.snapshot().upstreams());
        Snapshot previous = snapshots.swap(compiled.snapshot());
        services.upstreams().retire(compiled.snapshot().upstreams());
        prepared.commit();
        compiled.snapshot().dns().installed(previous.dns(), services);
        logWarnings(revision.id(), compiled.warnings());
        LOG.info("revision {} ({}) now served, replacing revision {}", revision.id(), revision.source(), previous.revision());
    }

    /** Polls the store for revisions written elsewhere (the CLI, another node) and serves the newest. */
    private void follow() {
        while (!closed) {
            try {
                Thread.sleep(250);
                long latest = store.latestId();
                if (latest > snapshot().revision() && latest != lastRejected) {
                    serveStored(latest);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("following the store {} failed: {}", store.describe(), e.getMessage());
                }
            }
        }
    }

    private void serveStored(long id) {
        changes.lock();
        try {
            if (id <= snapshot().revision()) {
                return;
            }
            Revision revision = store.revision(id).orElseThrow();
            try {
                SnapshotCompiler.Compiled compiled = compiler.compile(revision.document(), revision.id());
                install(compiled, listeners.prepare(compiled.snapshot().config().listen()), revision);
            } catch (ConfigException e) {
                lastRejected = id;
                LOG.error("revision {} ({}) cannot be served, still serving revision {}:\n{}",
                        id, revision.source(), snapshot().revision(), e.getMessage());
            }
        } finally {
            changes.unlock();
        }
    }

    /** Stops accepting, lets requests in flight finish (up to http.drain_timeout), then releases everything. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        follower.interrupt();
        Duration drain = snapshot().config().http().drainTimeout();
        listeners.close();
        int open = httpConnections.size();
        int cut = httpConnections.drain(drain);
        LOG.info("stopped: drained {} connection(s){}", open, cut > 0 ? ", cut " + cut + " still busy after " + drain : "");
        services.close();
        store.close();
    }

    private static void logWarnings(long revision, List<ConfigProblem> warnings) {
        for (ConfigProblem w : warnings) {
            LOG.warn("revision {}: {}", revision, w);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
