package engawa.tunnel;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One tunnel name: a lease owned by the token that claimed it, the clients serving it (several when they
 * share the token and none asked for exclusive use; requests are spread over them in turn), its guards, and
 * its public TCP port for a TCP tunnel. When its last client goes away, the name stays reserved for its
 * token for the grace period. Thread-safe: the hot path ({@link #pick}) reads a volatile array; changes
 * happen under the {@link TunnelRegistry}'s lock.
 */
public final class Tunnel {
    private static final TunnelSession[] NONE = new TunnelSession[0];

    private final String name;
    private final String tokenName;
    private final byte[] tokenSha256;
    private final AtomicInteger next = new AtomicInteger();
    private volatile TunnelKind kind;
    private volatile boolean exclusive;
    private volatile TunnelAccess access;
    private volatile TunnelSession[] sessions = NONE;
    private volatile List<String> urls = List.of();
    private volatile Instant since;
    private volatile Instant reservedUntil;
    private TcpTunnelListener tcp;
    // Totals of clients that have gone; live clients keep their own.
    private long retiredRequests;
    private long retiredBytesIn;
    private long retiredBytesOut;

    Tunnel(String name, String tokenName, byte[] tokenSha256) {
        this.name = name;
        this.tokenName = tokenName;
        this.tokenSha256 = tokenSha256.clone();
    }

    public String name() {
        return name;
    }

    public String tokenName() {
        return tokenName;
    }

    byte[] tokenSha256() {
        return tokenSha256;
    }

    public TunnelKind kind() {
        return kind;
    }

    public boolean exclusive() {
        return exclusive;
    }

    public TunnelAccess access() {
        return access;
    }

    public List<String> urls() {
        return urls;
    }

    /** When the current run of clients began (the first of them connected). */
    public Instant since() {
        return since;
    }

    /** While no client is on: until when the name stays reserved for its token; null while served. */
    public Instant reservedUntil() {
        return reservedUntil;
    }

    /** The public TCP port of a TCP tunnel, 0 for an HTTP tunnel. */
    public int port() {
        TcpTunnelListener t = tcp;
        return t == null ? 0 : t.port();
    }

    /** The clients serving this name right now (those that finished their handshake). */
    public List<TunnelSession> sessions() {
        return List.of(sessions).stream().filter(TunnelSession::ready).toList();
    }

    /**
     * The client for the next request, in turn, preferring those whose link can take more; null when no
     * client is on. Lock-free.
     */
    public TunnelSession pick() {
        TunnelSession[] s = sessions;
        int n = s.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(next.getAndIncrement(), n);
        TunnelSession fallback = null;
        for (int i = 0; i < n; i++) {
            TunnelSession candidate = s[(start + i) % n];
            if (!candidate.ready() || candidate.closing()) {
                continue;
            }
            if (candidate.writable()) {
                return candidate;
            }
            if (fallback == null) {
                fallback = candidate;
            }
        }
        return fallback;
    }

    long requests() {
        long total = retiredRequests;
        for (TunnelSession s : sessions) {
            total += s.requests();
        }
        return total;
    }

    long bytesIn() {
        long total = retiredBytesIn;
        for (TunnelSession s : sessions) {
            total += s.bytesIn();
        }
        return total;
    }

    long bytesOut() {
        long total = retiredBytesOut;
        for (TunnelSession s : sessions) {
            total += s.bytesOut();
        }
        return total;
    }

    // The rest runs under the registry's lock.

    int sessionCount() {
        return sessions.length;
    }

    void configure(TunnelKind kind, boolean exclusive, TunnelAccess access, List<String> urls) {
        this.kind = kind;
        this.exclusive = exclusive;
        this.access = access;
        this.urls = List.copyOf(urls);
    }

    void add(TunnelSession session) {
        TunnelSession[] s = sessions;
        TunnelSession[] more = java.util.Arrays.copyOf(s, s.length + 1);
        more[s.length] = session;
        if (s.length == 0) {
            since = session.since();
        }
        reservedUntil = null;
        sessions = more;
    }

    /** Removes a client; true when it was the last one. */
    boolean remove(TunnelSession session) {
        TunnelSession[] s = sessions;
        int at = -1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == session) {
                at = i;
            }
        }
        if (at < 0) {
            return false;
        }
        TunnelSession[] fewer = new TunnelSession[s.length - 1];
        System.arraycopy(s, 0, fewer, 0, at);
        System.arraycopy(s, at + 1, fewer, at, s.length - at - 1);
        sessions = fewer;
        retiredRequests += session.requests();
        retiredBytesIn += session.bytesIn();
        retiredBytesOut += session.bytesOut();
        return fewer.length == 0;
    }

    void reserveUntil(Instant until) {
        this.reservedUntil = until;
    }

    TcpTunnelListener tcp() {
        return tcp;
    }

    void tcp(TcpTunnelListener listener) {
        this.tcp = listener;
    }
}
