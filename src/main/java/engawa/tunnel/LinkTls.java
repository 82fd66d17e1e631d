package engawa.tunnel;

import engawa.snapshot.Snapshot;
import engawa.tls.Certificates;
import engawa.tls.CertifiedKey;
import engawa.tls.TlsIndex;
import engawa.config.TunnelsConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import javax.net.ssl.SSLException;

/**
 * The TLS context of the tunnel link: the {@code tunnels.tls} certificate as the snapshot's certificate
 * index holds it (PEM files or the internal CA alike), TLS 1.3 only: the link carries tokens, and no older
 * protocol is offered. Built once per certificate and reused by every handshake. Thread-safe.
 */
final class LinkTls {
    private record Built(CertifiedKey key, SslContext context) {
    }

    private final Certificates certificates;
    private volatile Built built;

    LinkTls(Certificates certificates) {
        this.certificates = certificates;
    }

    /** The context for the snapshot's tunnel certificate, or null when there is none to serve. */
    SslContext context(Snapshot snapshot) throws SSLException {
        TunnelsConfig t = snapshot.config().tunnels();
        if (t == null || t.tls() == null) {
            return null;
        }
        TlsIndex.Entry entry = snapshot.tls().entry(t.tls());
        if (entry == null || entry.key() == null) {
            return null;
        }
        Built b = built;
        if (b != null && b.key() == entry.key()) {
            return b.context();
        }
        SslContext ctx = SslContextBuilder.forServer(entry.key().key(), entry.key().chain())
                .sslProvider(certificates.provider().provider())
                .protocols("TLSv1.3")
                .build();
        built = new Built(entry.key(), ctx);
        return ctx;
    }
}
