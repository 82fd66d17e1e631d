package engawa.tls;

import engawa.store.Store;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Engawa's local certificate authority: an EC P-256 root valid ten years, named
 * {@code Engawa Local CA <id>}, created once and kept in the store so that every node sharing the store,
 * and every restart, issues under the same root (trust it once with {@code engawa cert trust}).
 * Issues EC P-256 server certificates for any set of host names, wildcards included. Blocking (store);
 * thread-safe.
 */
public final class InternalCa {
    static final String NAMESPACE = "tls.internal-ca";
    static final String KEY = "root";
    private static final String CREATE_LEASE = "tls.internal-ca.create";
    private static final Duration CA_VALIDITY = Duration.ofDays(3650);
    /** Clocks of the machines that will check a certificate may lag ours a little. */
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate certificate;
    private final PrivateKey key;

    private InternalCa(X509Certificate certificate, PrivateKey key) {
        this.certificate = certificate;
        this.key = key;
    }

    /** The CA kept in {@code store}, if one was created. */
    public static Optional<InternalCa> load(Store store) {
        return store.value(NAMESPACE, KEY).map(pem -> {
            CertifiedKey ck = CertifiedKey.fromPem(pem, "the internal CA in the store");
            return new InternalCa(ck.leaf(), ck.key());
        });
    }

    /**
     * The CA kept in {@code store}, created and stored first if there is none. Nodes sharing a store agree
     * on one CA: creation happens under a store lease, and whoever loses the race reads the winner's.
     */
    public static InternalCa loadOrCreate(Store store) {
        Optional<InternalCa> existing = load(store);
        if (existing.isPresent()) {
            return existing.get();
        }
        String holder = "ca-" + UUID.randomUUID();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (store.tryLease(CREATE_LEASE, holder, Duration.ofSeconds(30))) {
                try {
                    existing = load(store);
                    if (existing.isPresent()) {
                        return existing.get();
                    }
                    InternalCa ca = create(Instant.now());
                    store.putValue(NAMESPACE, KEY, PemFiles.encodeChain(List.of(ca.certificate)) + PemFiles.encodeKey(ca.key));
                    return ca;
                } finally {
                    store.releaseLease(CREATE_LEASE, holder);
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while another process creates the internal CA", e);
            }
            existing = load(store);
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        throw new IllegalStateException("another process holds lease " + CREATE_LEASE + " on " + store.describe()
                + " and has not stored the internal CA within 30s");
    }

    /** A new root, not stored. */
    static InternalCa create(Instant now) {
        KeyPair pair = newKeyPair();
        byte[] id = new byte[4];
        RANDOM.nextBytes(id);
        X500Name name = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Engawa local development CA")
                .addRDN(BCStyle.CN, "Engawa Local CA " + HexFormat.of().formatHex(id))
                .build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            return new InternalCa(sign(b, pair.getPrivate()), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("creating the internal CA: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** The root certificate as PEM, for trust stores and {@code curl --cacert}. */
    public String certificatePem() {
        return PemFiles.encodeChain(List.of(certificate));
    }

    /** The root's subject CN, such as {@code Engawa Local CA 3f9a1c2e}. */
    public String name() {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded())
                .getRDNs(BCStyle.CN)[0].getFirst().getValue().toString();
    }

    /**
     * A server certificate for {@code hosts} (names such as {@code www.example.test} and wildcards such as
     * {@code *.example.test}), valid from an hour ago for {@code validity}, but never past the root.
     */
    public CertifiedKey issue(List<String> hosts, Duration validity) {
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("no host names to issue a certificate for");
        }
        Instant now = Instant.now();
        Instant notAfter = now.plus(validity);
        if (notAfter.isAfter(certificate.getNotAfter().toInstant())) {
            notAfter = certificate.getNotAfter().toInstant();
        }
        KeyPair pair = newKeyPair();
        List<GeneralName> names = new ArrayList<>();
        for (String h : hosts) {
            names.add(new GeneralName(GeneralName.dNSName, h));
        }
        String cn = hosts.stream().filter(h -> !h.startsWith("*.")).findFirst().orElse(hosts.get(0));
        X500Name subject = cn.length() <= 64
                ? new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, cn).build()
                : new X500Name(new org.bouncycastle.asn1.x500.RDN[0]);
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(),
                    Date.from(now.minus(BACKDATE)), Date.from(notAfter), subject, pair.getPublic())
                    // With an empty subject the names live only here, and RFC 5280 then wants it critical.
                    .addExtension(Extension.subjectAlternativeName, cn.length() > 64,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            return new CertifiedKey(List.of(sign(b, key)), pair.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("issuing a certificate for " + hosts + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code cert} was signed by this root. */
    public boolean signed(X509Certificate cert) {
        try {
            cert.verify(certificate.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 is not available in this JDK", e);
        }
    }

    private static BigInteger serial() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return new BigInteger(1, b).setBit(126);
    }
}
