package engawa.tls;

import engawa.config.Names;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * A certificate chain (leaf first) with the private key of its leaf: what a TLS server presents. Knows the
 * DNS names the leaf covers (its subjectAltName entries; the subject CN is ignored, as browsers do).
 * Immutable and thread-safe.
 */
public record CertifiedKey(List<X509Certificate> chain, PrivateKey key) {

    public CertifiedKey {
        chain = List.copyOf(chain);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("empty certificate chain");
        }
    }

    /** Reads a chain and key from PEM text holding both (as kept in the store). */
    public static CertifiedKey fromPem(String pem, String source) {
        return new CertifiedKey(PemFiles.chain(pem, source), PemFiles.key(pem, source));
    }

    /** The chain then the key, as PEM text. */
    public String toPem() {
        return PemFiles.encodeChain(chain) + PemFiles.encodeKey(key);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    public Instant notBefore() {
        return leaf().getNotBefore().toInstant();
    }

    /** The leaf's DNS names, lower case, wildcards as {@code *.example.test}. */
    public List<String> dnsNames() {
        return dnsNames(leaf());
    }

    static List<String> dnsNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() >= 2 && Integer.valueOf(2).equals(san.get(0)) && san.get(1) instanceof String name) {
                        out.add(Names.normalize(name));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // An unparsable extension covers nothing; coverage checks then name the host it fails.
        }
        return List.copyOf(out);
    }

    /** Whether the leaf is valid for {@code host} (an exact name, or a site wildcard such as {@code *.example.test}). */
    public boolean covers(String host) {
        for (String name : dnsNames()) {
            if (Names.covers(name, host)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the key is the leaf's: a signature made with the key verifies with the leaf's public key. */
    public boolean keyMatchesLeaf() {
        PublicKey pub = leaf().getPublicKey();
        if (!pub.getAlgorithm().equals(key.getAlgorithm())) {
            return false;
        }
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            case "Ed448" -> "Ed448";
            default -> null;
        };
        if (alg == null) {
            return false;
        }
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(alg);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(alg);
            verifier.initVerify(pub);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** SHA-256 of the chain and key: equal for the same material, so a reload can keep the TLS context built for it. */
    public String fingerprint() {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            for (X509Certificate c : chain) {
                d.update(c.getEncoded());
            }
            d.update(key.getEncoded());
            return HexFormat.of().formatHex(d.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
