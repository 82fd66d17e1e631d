package engawa.snapshot;

import engawa.admin.RequestMetrics;
import engawa.http.ExchangeObserver;
import engawa.http.guard.GuardStates;
import engawa.http.statics.FileCache;
import engawa.log.AccessLog;
import engawa.net.Transport;
import engawa.store.Store;
import engawa.tls.Certificates;
import engawa.upstream.UpstreamPools;
import engawa.tunnel.TunnelRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Long-lived state that successive snapshots share: the event loops, the store, the metrics registry, and
 * the stateful parts of the edge (upstream health, limit counters, issued certificates, the request
 * metrics and the access log, which every exchange reports to when it ends). A snapshot refers
 * to these; a reload keeps them. Created once per process by the server, or in a dry form for
 * {@code engawa check}, which compiles a document without binding or storing anything.
 */
public final class Services implements AutoCloseable {
    private final Transport transport;
    private final EventLoopGroup workers;
    private final Store store;
    private final Path dataDir;
    private final PrometheusMeterRegistry meters;
    private final ExecutorService blocking;
    private final AccessLog accessLog;
    private final UpstreamPools upstreams;
    private final Certificates certificates;
    private final TunnelRegistry tunnels;
    private final FileCache staticFiles = new FileCache();
    private final GuardStates guards;
    private volatile ExchangeObserver exchangeObserver = ExchangeObserver.NONE;

    private Services(Transport transport, EventLoopGroup workers, Store store, Path dataDir) {
        this.transport = transport;
        this.workers = workers;
        this.store = store;
        this.dataDir = dataDir;
        this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.blocking = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("engawa-blocking-", 0).factory());
        if (workers != null) {
            RequestMetrics metrics = new RequestMetrics(meters);
            this.accessLog = new AccessLog(meters);
            this.exchangeObserver = (ex, ok) -> {
                metrics.completed(ex, ok);
                accessLog.completed(ex, ok);
            };
        } else {
            this.accessLog = null;
        }
        this.upstreams = new UpstreamPools(transport, workers, blocking, meters);
        this.certificates = new Certificates(store, workers != null, meters);
        this.tunnels = new TunnelRegistry(transport, workers, meters);
        this.guards = new GuardStates(meters, blocking);
    }

    /** Services for a running server: event loops on the detected transport, the given store. */
    public static Services live(Store store, Path dataDir, int threads) {
        Transport t = Transport.detect();
        return new Services(t, t.newGroup("engawa-io", threads), store, dataDir);
    }

    /** Services for compiling without serving ({@code engawa check}, {@code plan}): no event loops. */
    public static Services dry(Store store, Path dataDir) {
        return new Services(null, null, store, dataDir);
    }

    public boolean dry() {
        return workers == null;
    }

    public Transport transport() {
        return transport;
    }

    /** The event loops every connection (client and upstream) runs on; null when dry. */
    public EventLoopGroup workers() {
        return workers;
    }

    /** The store; null when a dry compile has none. */
    public Store store() {
        return store;
    }

    public Path dataDir() {
        return dataDir;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    /** Virtual threads for work that blocks (store, files, cutover steps); never the event loops. */
    public ExecutorService blocking() {
        return blocking;
    }

    /** The upstream pools, kept across reloads while their config is unchanged. */
    public UpstreamPools upstreams() {
        return upstreams;
    }

    /** TLS state across revisions: the provider, the internal CA, issued certificates, reusable TLS contexts. */
    public Certificates certificates() {
        return certificates;
    }

    /** Tunnel names and their clients: they outlive snapshots, so a reload drops no tunnel. */
    public TunnelRegistry tunnels() {
        return tunnels;
    }

    /** What static routes know about their files, shared across revisions so a reload keeps it warm. */
    public FileCache staticFiles() {
        return staticFiles;
    }

    /** Limit state (rate buckets, requests in flight, waiting rooms) that a reload keeps. */
    public GuardStates guards() {
        return guards;
    }

    public ExchangeObserver exchangeObserver() {
        return exchangeObserver;
    }

    public void exchangeObserver(ExchangeObserver observer) {
        this.exchangeObserver = observer;
    }

    @Override
    public void close() {
        certificates.close();
        upstreams.close();
        tunnels.close();
        blocking.shutdown();
        if (workers != null) {
            workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (accessLog != null) {
            accessLog.close();
        }
        tunnels.releasePorts();
        staticFiles.close();
    }
}
