package engawa.upstream;

import engawa.config.UpstreamConfig;
import engawa.net.Transport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.EventExecutor;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code upstreams.NAME} at run time, whatever its protocol: its servers and their health, the
 * balancer, keep-alive connections per server and event loop, active checks and metrics. Protocol
 * clients (the HTTP proxy, FastCGI) pick a server, acquire a connection on their own event loop, and
 * report connection failures; the pool knows nothing of what travels on the connections.
 *
 * <p>Lifecycle: compiled (new, starts nothing) -> started when a snapshot using it is installed ->
 * stopped when no installed snapshot uses it any more. A later revision whose {@code upstreams.NAME} is
 * unchanged keeps the same running pool, with its health state and open connections. {@link #pick} and
 * {@link #acquire} run on event loops and take no lock.
 */
public final class UpstreamPool {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);
    private static final long RESOLVE_EVERY_SECONDS = 30;

    /** What a pool's parts need to open connections. */
    record Settings(UpstreamConfig config, Transport transport) {
        /** The channel type that reaches {@code server}: TCP, or a unix domain socket. */
        Class<? extends Channel> channel(UpstreamServer server) {
            if (server.host() != null) {
                return transport.socketChannel();
            }
            return transport.epoll() ? EpollDomainSocketChannel.class : NioDomainSocketChannel.class;
        }

        /**
         * Where to connect to reach {@code server}, null while its name is unresolved. A unix socket's
         * address type depends on the transport: Netty's own for epoll, the JDK's for NIO.
         */
        SocketAddress address(UpstreamServer server) {
            SocketAddress a = server.address();
            if (a instanceof DomainSocketAddress d && !transport.epoll()) {
                return UnixDomainSocketAddress.of(d.path());
            }
            return a;
        }

        /** A client bootstrap on {@code loop} for {@code server}'s channel type that gives up connecting after {@code timeout}. */
        Bootstrap bootstrap(UpstreamServer server, EventLoop loop, Duration timeout) {
            return new Bootstrap()
                    .group(loop)
                    .channel(channel(server))
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        }
    }

    private enum State { NEW, RUNNING, STOPPED }

    private final Settings settings;
    private final List<UpstreamServer> servers;
    private final Balancer balancer;
    private final KeyHash keyHash;
    private final PerLoop<ConnectionPool[]> connections;
    private final HealthChecker checker;
    private final List<Meter> meters = new ArrayList<>();
    private volatile State state = State.NEW;
    private volatile SslContext tls;
    private Future<?> resolving;

    UpstreamPool(UpstreamConfig config, Transport transport) {
        this.settings = new Settings(config, transport);
        List<UpstreamServer> list = new ArrayList<>();
        for (int i = 0; i < config.servers().size(); i++) {
            list.add(new UpstreamServer(config.name(), i, config.servers().get(i), config.healthCheck()));
        }
        this.servers = List.copyOf(list);
        this.balancer = Balancer.of(config.balance(), servers);
        this.keyHash = config.balance() == UpstreamConfig.Balance.HASH ? KeyHash.parse(config.hashKey()) : null;
        this.connections = new PerLoop<>(() -> new ConnectionPool[servers.size()]);
        UpstreamConfig.HealthCheck hc = config.healthCheck();
        if (hc == null) {
            this.checker = null;
        } else {
            HealthProbe probe = config.protocol() == UpstreamConfig.Protocol.HTTP
                    ? new HttpHealthProbe(hc, settings, this) : new ConnectProbe(hc.timeout(), settings);
            this.checker = new HealthChecker(servers, hc, probe);
        }
    }

    public String name() {
        return settings.config().name();
    }

    public UpstreamConfig config() {
        return settings.config();
    }

    public List<UpstreamServer> servers() {
        return servers;
    }

    /** How {@code balance: hash} keys a request; null for the other balancers. */
    public KeyHash keyHash() {
        return keyHash;
    }

    /**
     * Picks an available server not in {@code tried}; null when there is none. With every server down
     * this answers null at once rather than trying a server known to be failing: the caller answers 502.
     */
    public UpstreamServer pick(EventExecutor loop, long keyHash, BitSet tried) {
        return balancer.pick(loop, keyHash, tried, System.nanoTime());
    }

    /**
     * A connection to {@code server} on {@code loop}, the caller's own event loop: an idle kept-alive
     * one, else a new one. Call on {@code loop}; the callback runs there, possibly before this returns.
     */
    public void acquire(UpstreamServer server, EventLoop loop, ConnectionCallback callback) {
        ConnectionPool[] pools = connections.get(loop);
        ConnectionPool p = pools[server.index()];
        if (p == null) {
            p = new ConnectionPool(server, loop, settings, this);
            pools[server.index()] = p;
            if (state == State.STOPPED) {
                p.stop();
            }
        }
        p.acquire(callback);
    }

    /**
     * Closes the idle kept-alive connections to {@code server} on every event loop (each on its own loop,
     * soon after this returns). For servers that tie a worker to each open connection (PHP-FPM): a request
     * waiting for a worker gets one of those the idle connections held. Any thread.
     */
    public void closeIdle(UpstreamServer server) {
        connections.forEach((loop, pools) -> {
            ConnectionPool p = pools[server.index()];
            if (p != null) {
                p.closeIdle();
            }
        });
    }

    boolean stopped() {
        return state == State.STOPPED;
    }

    /**
     * The TLS client context for {@code https://} servers, null when there are none or it could not be
     * built. Servers are verified against the JVM's default trust store ({@code javax.net.ssl.trustStore},
     * else the JDK's CA certificates) and must present a certificate for the host name of their URL.
     */
    SslContext tls() {
        return tls;
    }

    boolean isNew() {
        return state == State.NEW;
    }

    /** Resolves host names, starts the checks. Called once, off the event loops, when first installed. */
    void start(EventLoopGroup workers, ExecutorService blocking) {
        state = State.RUNNING;
        if (servers.stream().anyMatch(UpstreamServer::tls)) {
            tls = clientTls();
        }
        boolean names = false;
        for (UpstreamServer s : servers) {
            if (s.needsResolving()) {
                s.resolve();
                names = true;
            }
        }
        if (names) {
            resolving = workers.next().scheduleAtFixedRate(() -> blocking.execute(() -> {
                for (UpstreamServer s : servers) {
                    if (s.needsResolving()) {
                        s.resolve();
                    }
                }
            }), RESOLVE_EVERY_SECONDS, RESOLVE_EVERY_SECONDS, TimeUnit.SECONDS);
        }
        if (checker != null) {
            checker.start(workers);
        }
    }

    private SslContext clientTls() {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init((java.security.KeyStore) null);
            return SslContextBuilder.forClient().trustManager(trust).endpointIdentificationAlgorithm("HTTPS").build();
        } catch (SSLException | java.security.GeneralSecurityException e) {
            LOG.error("upstream {}: no TLS for its https servers: {}", name(), e.toString());
            return null;
        }
    }

    /** Stops the checks and closes idle connections; connections in use close when released. */
    void stop() {
        state = State.STOPPED;
        if (checker != null) {
            checker.stop();
        }
        if (resolving != null) {
            resolving.cancel(false);
        }
        connections.forEach((loop, pools) -> {
            for (ConnectionPool p : pools) {
                if (p != null) {
                    p.stop();
                }
            }
        });
    }

    void registerMeters(MeterRegistry registry) {
        for (UpstreamServer s : servers) {
            Tags tags = Tags.of("upstream", name(), "server", s.label());
            meters.add(Gauge.builder("engawa.upstream.server.healthy", s, x -> x.available() ? 1 : 0)
                    .description("1 when the server gets traffic (passing health checks, not ejected), else 0")
                    .tags(tags).register(registry));
            meters.add(Gauge.builder("engawa.upstream.server.in_flight", s, UpstreamServer::inFlight)
                    .description("requests in flight to the server")
                    .tags(tags).register(registry));
            meters.add(FunctionCounter.builder("engawa.upstream.server.requests", s, UpstreamServer::requests)
                    .description("requests (attempts, retries included) sent to the server")
                    .tags(tags).register(registry));
            meters.add(FunctionCounter.builder("engawa.upstream.server.failures", s, UpstreamServer::failures)
                    .description("connection errors and timeouts talking to the server")
                    .tags(tags).register(registry));
        }
    }

    void removeMeters(MeterRegistry registry) {
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
    }

    List<UpstreamStatus> status() {
        List<UpstreamStatus> out = new ArrayList<>(servers.size());
        for (UpstreamServer s : servers) {
            long at = s.lastCheckMillis();
            out.add(new UpstreamStatus(name(), s.label(), s.weight(), s.available(), s.inFlight(), s.requests(),
                    s.failures(), checker == null ? null : s.lastCheck(),
                    at == 0 ? null : java.time.Instant.ofEpochMilli(at)));
        }
        return out;
    }

    @Override
    public String toString() {
        return "upstream " + name() + " " + state;
    }
}
