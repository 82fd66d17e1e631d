package engawa.tunnel;

import engawa.config.CertificateConfig;
import engawa.config.EngawaConfig;
import engawa.config.TunnelsConfig;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import javax.net.ssl.SSLException;

/**
 * The TLS context of the tunnel link: the {@code tunnels.tls} certificate, TLS 1.3 only (the link carries
 * tokens; no older protocol is offered). Built once per certificate and reused by every handshake.
 * Thread-safe.
 */
final class LinkTls {
    private record Built(CertificateConfig certificate, SslContext context) {
    }

    private volatile Built built;

    /** The context for {@code config}'s tunnel certificate, or null when there is none to serve. */
    SslContext context(EngawaConfig config) {
        TunnelsConfig t = config.tunnels();
        if (t == null || t.tls() == null) {
            return null;
        }
        CertificateConfig cc = config.certificates().get(t.tls());
        if (cc == null || cc.issued()) {
            return null;
        }
        Built b = built;
        if (b != null && b.certificate().equals(cc)) {
            return b.context();
        }
        try {
            SslContext ctx = SslContextBuilder.forServer(cc.certFile().toFile(), cc.keyFile().toFile())
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols("TLSv1.3")
                    .build();
            built = new Built(cc, ctx);
            return ctx;
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalStateException("tunnels.tls: cannot serve certificate \"" + t.tls() + "\": " + e.getMessage(), e);
        }
    }
}
