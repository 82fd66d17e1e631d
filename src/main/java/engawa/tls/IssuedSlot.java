package engawa.tls;

import io.netty.handler.ssl.SslContext;
import java.util.List;

/**
 * The live certificate of one issued name for one host set: what snapshots present for it, replaced in
 * place when {@link Certificates} renews it ahead of its end, so that a server running for a year with no
 * new revision never presents an expired certificate. Snapshots with the same name and hosts share a slot;
 * a revision that changes the hosts gets a new one, so a failed compile never changes what is served.
 * Thread-safe: read on event loops (one volatile read), written by the renewal thread.
 */
public final class IssuedSlot {
    /** A certificate and the TLS context presenting it, swapped together. */
    record Current(CertifiedKey key, SslContext context) {
    }

    private final String name;
    private final String issuer;
    private final List<String> hosts;
    private volatile Current current;

    IssuedSlot(String name, String issuer, List<String> hosts, Current current) {
        this.name = name;
        this.issuer = issuer;
        this.hosts = List.copyOf(hosts);
        this.current = current;
    }

    public String name() {
        return name;
    }

    String issuer() {
        return issuer;
    }

    public List<String> hosts() {
        return hosts;
    }

    public CertifiedKey key() {
        return current.key();
    }

    public SslContext context() {
        return current.context();
    }

    Current current() {
        return current;
    }

    void replace(Current next) {
        this.current = next;
    }
}
