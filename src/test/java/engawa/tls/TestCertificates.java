package engawa.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificates tests need and the internal CA would never make: self-signed, expired, for chosen dates. */
final class TestCertificates {

    private TestCertificates() {
    }

    static CertifiedKey selfSigned(List<String> hosts, Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = g.generateKeyPair();
            X500Name name = new X500Name("CN=" + hosts.get(0));
            var b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(System.nanoTime()), Date.from(notBefore),
                    Date.from(notAfter), name, pair.getPublic())
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(hosts.stream()
                            .map(h -> new GeneralName(GeneralName.dNSName, h)).toArray(GeneralName[]::new)));
            var cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new CertifiedKey(List.of(cert), pair.getPrivate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code key}'s chain to DIR/NAME.crt and its key to DIR/NAME.key. */
    static void write(CertifiedKey key, Path dir, String name) {
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".crt"), PemFiles.encodeChain(key.chain()));
            Files.writeString(dir.resolve(name + ".key"), PemFiles.encodeKey(key.key()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
