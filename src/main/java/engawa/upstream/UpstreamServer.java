package engawa.upstream;

import engawa.config.UpstreamConfig;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server of an upstream pool: where it is, its weight, whether it may get traffic, and its counters.
 * Thread-safe: any event loop reads {@link #available} and moves the counters; health transitions
 * (checks, passive failures) are rare and synchronized on the server.
 *
 * <p>Health: a server starts available. With active checks, {@code fall} failed checks in a row or one
 * connection error (passive ejection) take it out, and {@code rise} passed checks in a row put it back.
 * Without active checks, a connection error takes it out for {@link #PASSIVE_EJECTION}, after which it
 * gets traffic again (and is ejected again at the next error).
 */
public final class UpstreamServer {
    /** How long a connection error keeps a server out when the pool has no active health checks. */
    public static final long PASSIVE_EJECTION = TimeUnit.SECONDS.toNanos(10);

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamServer.class);

    private final String upstream;
    private final int index;
    private final URI url;
    private final String label;
    private final int weight;
    private final String host;
    private final int port;
    private final boolean tls;
    private final UpstreamConfig.HealthCheck healthCheck;

    private volatile SocketAddress address;
    private volatile boolean healthy = true;
    private volatile long ejectedUntil;
    private int passedInARow;
    private int failedInARow;
    private volatile String lastCheck = "not checked yet";
    private volatile long lastCheckMillis;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder failures = new LongAdder();

    UpstreamServer(String upstream, int index, UpstreamConfig.Server server, UpstreamConfig.HealthCheck healthCheck) {
        this.upstream = upstream;
        this.index = index;
        this.url = server.url();
        this.weight = server.weight();
        this.healthCheck = healthCheck;
        String scheme = url.getScheme();
        this.tls = "https".equals(scheme);
        if ("unix".equals(scheme)) {
            this.host = null;
            this.port = 0;
            this.label = "unix:" + url.getSchemeSpecificPart();
            this.address = new DomainSocketAddress(url.getSchemeSpecificPart());
        } else {
            this.host = url.getHost();
            this.port = url.getPort() > 0 ? url.getPort() : tls ? 443 : 80;
            this.label = scheme + "://" + url.getRawAuthority();
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            if (NetUtil.isValidIpV4Address(literal) || NetUtil.isValidIpV6Address(literal)) {
                this.address = new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(literal), port);
            }
        }
    }

    /** The upstream's name. */
    public String upstream() {
        return upstream;
    }

    /** Position in the pool's server list: stable for the pool's life. */
    public int index() {
        return index;
    }

    public URI url() {
        return url;
    }

    /** {@code http://127.0.0.1:3000} or {@code unix:/run/php.sock}: for logs, metrics and status. */
    public String label() {
        return label;
    }

    public int weight() {
        return weight;
    }

    /** The host part of the URL (null for unix sockets). */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** True for {@code https://} servers. */
    public boolean tls() {
        return tls;
    }

    /** The value of a Host header naming this server itself ({@code host:port}). */
    public String authority() {
        return url.getRawAuthority() == null ? "localhost" : url.getRawAuthority();
    }

    /** Where to connect; null while a host name has not been resolved yet. */
    public SocketAddress address() {
        return address;
    }

    /** True when the address is a host name that needs resolving (not an IP literal or a unix socket). */
    boolean needsResolving() {
        return host != null && !isLiteral();
    }

    private boolean isLiteral() {
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return NetUtil.isValidIpV4Address(literal) || NetUtil.isValidIpV6Address(literal);
    }

    /** Resolves a host name with the system resolver. Blocks: call off the event loops. */
    void resolve() {
        try {
            InetAddress a = InetAddress.getByName(host);
            SocketAddress next = new InetSocketAddress(a, port);
            if (!next.equals(address)) {
                LOG.info("upstream {}: {} resolves to {}", upstream, label, a.getHostAddress());
            }
            address = next;
        } catch (UnknownHostException e) {
            if (address == null) {
                LOG.warn("upstream {}: cannot resolve {}: {}", upstream, host, e.getMessage());
            }
        }
    }

    /** May this server get a request now? Cheap: two volatile reads. */
    public boolean available(long nowNanos) {
        long until = ejectedUntil;
        return healthy && (until == 0 || nowNanos - until >= 0);
    }

    /** Healthy by the last checks and not ejected. */
    public boolean available() {
        return available(System.nanoTime());
    }

    /** A request (or attempt) goes to this server: counts it and holds an in-flight slot. */
    public void begin() {
        inFlight.incrementAndGet();
        requests.increment();
    }

    /** Releases the in-flight slot taken by {@link #begin}. */
    public void end() {
        inFlight.decrementAndGet();
    }

    public int inFlight() {
        return inFlight.get();
    }

    public long requests() {
        return requests.sum();
    }

    public long failures() {
        return failures.sum();
    }

    /** Counts a failed exchange that is not the server's connection failing (a timeout). */
    public void countFailure() {
        failures.increment();
    }

    /**
     * A connection to this server failed (refused, reset, timed out connecting, closed before answering):
     * passive ejection.
     */
    public void connectionFailed(String why) {
        failures.increment();
        synchronized (this) {
            boolean wasAvailable = available();
            if (healthCheck != null) {
                healthy = false;
                passedInARow = 0;
            } else {
                long until = System.nanoTime() + PASSIVE_EJECTION;
                ejectedUntil = until == 0 ? 1 : until;
            }
            if (wasAvailable) {
                LOG.warn("upstream {}: {} ejected after a connection error ({}){}", upstream, label, why,
                        healthCheck != null ? "; back after " + healthCheck.rise() + " passed check(s)" : " for 10s");
            }
        }
    }

    /** The result of one active check. */
    synchronized void checked(boolean ok, String detail) {
        lastCheck = detail;
        lastCheckMillis = System.currentTimeMillis();
        if (ok) {
            failedInARow = 0;
            passedInARow++;
            if (!healthy && passedInARow >= healthCheck.rise()) {
                healthy = true;
                LOG.info("upstream {}: {} is back after {} passed check(s)", upstream, label, passedInARow);
            }
        } else {
            passedInARow = 0;
            failedInARow++;
            if (healthy && failedInARow >= healthCheck.fall()) {
                healthy = false;
                LOG.warn("upstream {}: {} taken out after {} failed check(s): {}", upstream, label, failedInARow, detail);
            }
        }
    }

    /** What the last active check found ({@code "200 OK in 2 ms"}, {@code "connection refused"}). */
    public String lastCheck() {
        return lastCheck;
    }

    /** When the last active check ended (epoch millis), 0 if none yet. */
    public long lastCheckMillis() {
        return lastCheckMillis;
    }

    @Override
    public String toString() {
        return upstream + " " + label;
    }
}
