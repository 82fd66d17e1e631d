package engawa.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslServerSessionContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS implementation the https listener uses: BoringSSL through netty-tcnative when it loads (faster
 * handshakes and bulk encryption than the JDK's), the JDK's own otherwise, with one log line saying which
 * and why. {@code -Dengawa.tls.provider=jdk} forces the JDK. Builds the server contexts: TLS 1.2 and 1.3
 * only with AEAD ciphers, session resumption on (session cache, and tickets with keys the library
 * generates and rotates), ALPN advertising {@link #ALPN} (HTTP/2 preferred). Immutable and thread-safe.
 *
 * @param name  {@code boringssl}, {@code openssl} (a dynamically linked tcnative) or {@code jdk}, as metrics label it
 */
public record TlsProvider(SslProvider provider, String name) {
    private static final Logger LOG = LoggerFactory.getLogger(TlsProvider.class);

    /** The protocols offered by ALPN, most preferred first. */
    public static final List<String> ALPN = List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);
    static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    /** Picks the provider and logs the choice. */
    public static TlsProvider detect() {
        String wanted = System.getProperty("engawa.tls.provider", "auto").toLowerCase(Locale.ROOT);
        if (wanted.equals("jdk")) {
            LOG.info("tls: JDK provider (forced by -Dengawa.tls.provider=jdk)");
            return jdk();
        }
        if (OpenSsl.isAvailable()) {
            String version = OpenSsl.versionString();
            String name = version != null && version.contains("BoringSSL") ? "boringssl" : "openssl";
            LOG.info("tls: {} via netty-tcnative ({})", name.equals("boringssl") ? "BoringSSL" : "OpenSSL", version);
            return new TlsProvider(SslProvider.OPENSSL, name);
        }
        LOG.warn("tls: JDK provider, slower than BoringSSL (netty-tcnative unavailable: {})", OpenSsl.unavailabilityCause());
        return jdk();
    }

    static TlsProvider jdk() {
        return new TlsProvider(SslProvider.JDK, "jdk");
    }

    public boolean nativeLibrary() {
        return provider != SslProvider.JDK;
    }

    /** A server context presenting {@code key}; throws {@link SSLException} when the provider rejects it. */
    public SslContext serverContext(CertifiedKey key) throws SSLException {
        SslContext ctx = SslContextBuilder.forServer(key.key(), key.chain())
                .sslProvider(provider)
                .protocols(PROTOCOLS)
                // TLS 1.3 suites, then ECDHE with AEAD only: what HTTP/2 requires (RFC 9113 9.2.2) and
                // modern clients offer; no RSA key exchange, no CBC.
                .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ALPN))
                .build();
        if (ctx.sessionContext() instanceof OpenSslServerSessionContext sessions) {
            // No keys given: BoringSSL generates ticket keys and rotates them itself. TLS 1.3 resumes by
            // ticket only; this turns tickets on for TLS 1.2 clients too.
            sessions.setTicketKeys();
        }
        return ctx;
    }
}
