package engawa.config;

import java.nio.file.Path;

/**
 * {@code certificates.NAME:} either PEM files ({@code cert_file}, the chain, and {@code key_file}) or an
 * issuer ({@code internal}: Engawa's own CA issues for every host of the sites that use this name).
 */
public record CertificateConfig(String name, Path certFile, Path keyFile, String issuer) {

    public boolean issued() {
        return issuer != null;
    }

    static CertificateConfig read(String name, Node n) {
        n.keys("cert_file", "key_file", "issuer");
        String issuer = n.get("issuer").oneOf(null, "internal");
        if (issuer != null) {
            if (n.get("cert_file").present() || n.get("key_file").present()) {
                n.error("give either issuer or cert_file and key_file, not both");
            }
            return new CertificateConfig(name, null, null, issuer);
        }
        if (n.get("issuer").present()) {
            return new CertificateConfig(name, null, null, null);
        }
        Path cert = n.get("cert_file").file();
        Path key = n.get("key_file").file();
        return new CertificateConfig(name, cert, key, null);
    }
}
