package engawa.tunnel.client;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import engawa.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The client's side of the link's TLS: TLS 1.3 only, the server's certificate checked against the system's
 * trust anchors plus those in {@code --ca FILE} (PEM), and its name against the server's host name.
 */
final class ClientTls {

    private ClientTls() {
    }

    static SslContext context(Path caFile) {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols("TLSv1.3")
                    .trustManager(trust(caFile))
                    .endpointIdentificationAlgorithm("HTTPS")
                    .build();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static TrustManagerFactory trust(Path caFile) throws IOException, GeneralSecurityException {
        TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        system.init((KeyStore) null);
        if (caFile == null) {
            return system;
        }
        KeyStore anchors = KeyStore.getInstance(KeyStore.getDefaultType());
        anchors.load(null, null);
        int i = 0;
        for (var tm : system.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                for (X509Certificate c : x.getAcceptedIssuers()) {
                    anchors.setCertificateEntry("system-" + i++, c);
                }
            }
        }
        List<X509Certificate> extra;
        try {
            extra = PemFiles.readChain(caFile);
        } catch (PemFiles.PemException e) {
            throw new IllegalArgumentException("--ca " + e.getMessage(), e);
        }
        for (X509Certificate c : extra) {
            anchors.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(anchors);
        return f;
    }
}
