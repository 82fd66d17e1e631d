package engawa.tunnel;

import engawa.config.TokenConfig;
import engawa.config.TunnelsConfig;
import engawa.net.Transport;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every tunnel name this edge serves or keeps reserved, and the clients behind them. Outlives snapshots (it
 * lives in {@code Services}): a reload never drops a tunnel, and each handshake is judged against the
 * snapshot current at that moment.
 *
 * <p>The hot path ({@link #lookup}, then {@link Tunnel#pick}) takes no lock. Claims and departures are
 * serialized by a lock; they run on virtual threads (claims may bind a TCP port) and on event loops
 * (departures, which do nothing blocking).
 */
public final class TunnelRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunnelRegistry.class);
    /** Clients one token may have connected at once, over all its names. */
    public static final int MAX_CLIENTS_PER_TOKEN = 32;

    private final Transport transport;
    private final EventLoopGroup workers;
    private final ConcurrentHashMap<String, Tunnel> tunnels = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final ScheduledExecutorService timer;
    private final PendingHandshakes pending = new PendingHandshakes();
    private final TunnelMetrics metrics;
    private final Set<Integer> ports = new HashSet<>();
    private long retiredRequests;
    private long retiredBytesIn;
    private long retiredBytesOut;
    private volatile boolean closed;

    /** Where a tunnel is reachable: the domain, the edge's HTTP and HTTPS ports (0: none), and the TCP bind host. */
    public record Endpoints(String domain, int httpPort, int httpsPort, String tcpHost) {
    }

    /** Sums over every tunnel, for the meters. */
    public record Totals(int clients, int names, long requests, long bytesIn, long bytesOut) {
    }

    /** @param workers null for a registry that will never serve (a dry compile) */
    public TunnelRegistry(Transport transport, EventLoopGroup workers, MeterRegistry meters) {
        this.transport = transport;
        this.workers = workers;
        this.timer = workers == null ? null : Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "engawa-tunnel-timer");
            t.setDaemon(true);
            return t;
        });
        this.metrics = new TunnelMetrics(meters, this);
    }

    /** The tunnel named {@code name} (normalized), served or reserved; null when there is none. Lock-free. */
    public Tunnel lookup(String name) {
        return tunnels.get(name);
    }

    PendingHandshakes pending() {
        return pending;
    }

    TunnelMetrics metrics() {
        return metrics;
    }

    /**
     * Judges a client's hello against {@code config} and, when it may be served, registers its session (not
     * ready until {@link #ready}). Throws a {@link Refusal} saying why not. Blocking (it may bind a TCP port):
     * call it on a virtual thread.
     */
    TunnelSession claim(TunnelsConfig config, Hello hello, Channel link, Endpoints endpoints) {
        if (closed) {
            throw new Refusal(Refusal.UNAVAILABLE, "the edge is shutting down");
        }
        TokenConfig token = token(config, hello.token());
        if (token == null) {
            throw new Refusal(Refusal.BAD_TOKEN, "unknown token");
        }
        TunnelAccess access = TunnelAccess.of(hello.basicAuth(), hello.allow());
        if (hello.kind() == TunnelKind.TCP && config.tcpPorts() == null) {
            throw new Refusal(Refusal.NO_TCP_PORT, "this edge gives out no TCP ports (tunnels.tcp_ports is not set)");
        }
        if (hello.kind() == TunnelKind.TCP && access.basicAuth()) {
            throw new Refusal(Refusal.BAD_HANDSHAKE, "--basic-auth is for HTTP tunnels");
        }
        lock.lock();
        try {
            String name = name(token, hello);
            Tunnel t = tunnels.get(name);
            if (t != null) {
                checkJoin(t, token, hello, access);
            } else {
                t = new Tunnel(name, token.name(), token.sha256());
            }
            if (clientsOf(token) >= MAX_CLIENTS_PER_TOKEN) {
                throw new Refusal(Refusal.TOO_MANY, "token \"" + token.name() + "\" already has " + MAX_CLIENTS_PER_TOKEN + " clients connected");
            }
            if (hello.kind() == TunnelKind.TCP && t.tcp() == null) {
                t.tcp(bindTcp(t, config.tcpPorts(), endpoints.tcpHost()));
            } else if (hello.kind() == TunnelKind.HTTP && t.tcp() != null) {
                unbindTcp(t);
            }
            t.configure(hello.kind(), hello.exclusive(), access, urls(t, hello.kind(), endpoints));
            TunnelSession session = new TunnelSession(t, link);
            t.add(session);
            tunnels.put(name, t);
            return session;
        } finally {
            lock.unlock();
        }
    }

    /** The session's link now speaks HTTP/2: requests may go to it. */
    void ready(TunnelSession session) {
        session.markReady();
        LOG.info("tunnel {} ({}): client {} on, {} client(s) now", session.tunnel().name(), session.tunnel().kind().word(),
                session.clientAddress(), session.tunnel().sessions().size());
    }

    /**
     * A client went away. When it was its tunnel's last, the name stays reserved for its token for
     * {@code grace} (none: the name is freed now).
     */
    void depart(TunnelSession session, Duration grace) {
        Tunnel t = session.tunnel();
        lock.lock();
        try {
            if (!t.remove(session)) {
                return;
            }
            if (session.ready()) {
                LOG.info("tunnel {}: client {} off after {} request(s), {} client(s) left", t.name(), session.clientAddress(),
                        session.requests(), t.sessionCount());
            }
            if (t.sessionCount() > 0) {
                return;
            }
            if (grace.isZero() || closed) {
                expire(t, true);
            } else {
                t.reserveUntil(Instant.now().plus(grace));
                timer.schedule(() -> {
                    lock.lock();
                    try {
                        expire(t, false);
                    } finally {
                        lock.unlock();
                    }
                }, grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a client's token still exists in {@code config} and may still claim its name; checked at
     * every keep-alive, so a token removed from the document disconnects its clients.
     */
    boolean stillAllowed(TunnelSession session, TunnelsConfig config) {
        if (config == null) {
            return false;
        }
        Tunnel t = session.tunnel();
        for (TokenConfig tc : config.tokens()) {
            if (MessageDigest.isEqual(tc.sha256(), t.tokenSha256())) {
                return TunnelNames.allowed(tc.names(), t.name());
            }
        }
        return false;
    }

    /** Every tunnel, for the admin API. */
    public List<TunnelView> list() {
        lock.lock();
        try {
            List<TunnelView> out = new ArrayList<>();
            for (Tunnel t : tunnels.values()) {
                List<TunnelView.Client> clients = t.sessions().stream().map(s -> new TunnelView.Client(
                        s.clientAddress().getAddress().getHostAddress() + ":" + s.clientAddress().getPort(), s.since(),
                        s.requests(), s.bytesIn(), s.bytesOut(), s.openStreams())).toList();
                out.add(new TunnelView(t.name(), t.kind().word(), t.tokenName(), t.urls(), t.port(), t.exclusive(),
                        t.since(), t.reservedUntil(), t.requests(), t.bytesIn(), t.bytesOut(), clients));
            }
            out.sort(java.util.Comparator.comparing(TunnelView::name));
            return out;
        } finally {
            lock.unlock();
        }
    }

    Totals totals() {
        lock.lock();
        try {
            int clients = 0;
            long requests = retiredRequests;
            long in = retiredBytesIn;
            long out = retiredBytesOut;
            for (Tunnel t : tunnels.values()) {
                clients += t.sessions().size();
                requests += t.requests();
                in += t.bytesIn();
                out += t.bytesOut();
            }
            return new Totals(clients, tunnels.size(), requests, in, out);
        } finally {
            lock.unlock();
        }
    }

    /** Tells every client the edge is going away (GOAWAY, streams in flight may finish) and frees the TCP ports. */
    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            for (Tunnel t : tunnels.values()) {
                t.sessions().forEach(TunnelSession::shutdown);
            }
        } finally {
            lock.unlock();
        }
        if (timer != null) {
            timer.shutdownNow();
        }
    }

    /** Frees the TCP ports once the links are closed (the event loops are stopping). */
    public void releasePorts() {
        lock.lock();
        try {
            for (Tunnel t : tunnels.values()) {
                unbindTcp(t);
            }
        } finally {
            lock.unlock();
        }
    }

    private void expire(Tunnel t, boolean now) {
        if (t.sessionCount() > 0 || tunnels.get(t.name()) != t) {
            return;
        }
        Instant until = t.reservedUntil();
        if (!now && until != null && Instant.now().isBefore(until.minusMillis(50))) {
            return;
        }
        tunnels.remove(t.name());
        retiredRequests += t.requests();
        retiredBytesIn += t.bytesIn();
        retiredBytesOut += t.bytesOut();
        unbindTcp(t);
        LOG.info("tunnel {}: name released", t.name());
    }

    private String name(TokenConfig token, Hello hello) {
        if (hello.name() == null) {
            String picked = TunnelNames.pick(token.names(), n -> !tunnels.containsKey(n));
            if (picked == null) {
                throw new Refusal(Refusal.NAME_TAKEN, "every name token \"" + token.name() + "\" may claim is in use ("
                        + String.join(", ", token.names()) + "): give one with --name");
            }
            return picked;
        }
        String name = TunnelNames.normalize(hello.name());
        if (name == null) {
            throw new Refusal(Refusal.BAD_HANDSHAKE, "\"" + hello.name() + "\" is not a tunnel name (one DNS label: letters, digits, hyphens)");
        }
        if (!TunnelNames.allowed(token.names(), name)) {
            throw new Refusal(Refusal.NAME_NOT_ALLOWED, "token \"" + token.name() + "\" may not claim \"" + name
                    + "\" (it may claim: " + String.join(", ", token.names()) + ")");
        }
        return name;
    }

    private static void checkJoin(Tunnel t, TokenConfig token, Hello hello, TunnelAccess access) {
        if (!MessageDigest.isEqual(t.tokenSha256(), token.sha256())) {
            throw new Refusal(Refusal.NAME_TAKEN, "\"" + t.name() + "\" is "
                    + (t.sessionCount() > 0 ? "in use" : "reserved") + " by another token");
        }
        if (t.sessionCount() == 0) {
            return; // reserved for this token: the client takes it back, with its own flags
        }
        if (t.kind() != hello.kind()) {
            throw new Refusal(Refusal.NAME_TAKEN, "\"" + t.name() + "\" is a " + t.kind().word() + " tunnel");
        }
        if (t.exclusive()) {
            throw new Refusal(Refusal.NAME_BUSY, "\"" + t.name() + "\" is held exclusively by another client");
        }
        if (hello.exclusive()) {
            throw new Refusal(Refusal.NAME_BUSY, "\"" + t.name() + "\" already has " + t.sessionCount()
                    + " client(s); --exclusive needs it to itself");
        }
        if (!t.access().sameAs(access)) {
            throw new Refusal(Refusal.FLAGS_MISMATCH, "clients of \"" + t.name()
                    + "\" must give the same --basic-auth and --allow flags as the one already on");
        }
    }

    private int clientsOf(TokenConfig token) {
        int n = 0;
        for (Tunnel t : tunnels.values()) {
            if (MessageDigest.isEqual(t.tokenSha256(), token.sha256())) {
                n += t.sessionCount();
            }
        }
        return n;
    }

    private static TokenConfig token(TunnelsConfig config, String secret) {
        if (config == null || secret == null) {
            return null;
        }
        byte[] digest = TokenConfig.digest(secret);
        TokenConfig found = null;
        for (TokenConfig t : config.tokens()) {
            // Compare with every token, in constant time, so timing says nothing about which one matched.
            if (MessageDigest.isEqual(t.sha256(), digest)) {
                found = t;
            }
        }
        return found;
    }

    private TcpTunnelListener bindTcp(Tunnel t, TunnelsConfig.PortRange range, String host) {
        int size = range.size();
        int start = ThreadLocalRandom.current().nextInt(size);
        int attempts = 0;
        for (int i = 0; i < size && attempts < 64; i++) {
            int port = range.first() + (start + i) % size;
            if (ports.contains(port)) {
                continue;
            }
            attempts++;
            try {
                TcpTunnelListener l = new TcpTunnelListener(t, host, port, transport, workers);
                ports.add(port);
                return l;
            } catch (RuntimeException e) {
                LOG.debug("tunnel {}: port {} not free: {}", t.name(), port, e.toString());
            }
        }
        throw new Refusal(Refusal.NO_TCP_PORT, "no free port in tunnels.tcp_ports " + range);
    }

    private void unbindTcp(Tunnel t) {
        TcpTunnelListener l = t.tcp();
        if (l != null) {
            t.tcp(null);
            ports.remove(l.port());
            l.close();
        }
    }

    private static List<String> urls(Tunnel t, TunnelKind kind, Endpoints e) {
        String host = t.name() + "." + e.domain();
        if (kind == TunnelKind.TCP) {
            return List.of("tcp://" + e.domain() + ":" + t.port());
        }
        List<String> urls = new ArrayList<>(2);
        if (e.httpsPort() > 0) {
            urls.add("https://" + host + (e.httpsPort() == 443 ? "" : ":" + e.httpsPort()));
        }
        if (e.httpPort() > 0) {
            urls.add("http://" + host + (e.httpPort() == 80 ? "" : ":" + e.httpPort()));
        }
        return urls;
    }
}
