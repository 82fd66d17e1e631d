package engawa.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * PEM in and out: certificate chains ({@code CERTIFICATE} blocks, leaf first) and private keys in the
 * three forms servers meet ({@code PRIVATE KEY} = PKCS#8, {@code RSA PRIVATE KEY} = PKCS#1,
 * {@code EC PRIVATE KEY} = SEC1), parsed with Bouncy Castle and converted to the JDK's own key and
 * certificate classes. Failures are {@link PemException}s whose message fits after a config path.
 * Stateless and thread-safe.
 */
public final class PemFiles {
    private static final JcaX509CertificateConverter CERTS = new JcaX509CertificateConverter();
    private static final JcaPEMKeyConverter KEYS = new JcaPEMKeyConverter();

    private PemFiles() {
    }

    /** A PEM file that cannot be used, with a message that says why in the user's terms. */
    public static final class PemException extends RuntimeException {
        PemException(String message) {
            super(message);
        }

        PemException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Every certificate in {@code file}, in file order (leaf first, then intermediates). */
    public static List<X509Certificate> readChain(Path file) {
        return chain(read(file), file.toString());
    }

    /** The private key in {@code file}. */
    public static PrivateKey readKey(Path file) {
        return key(read(file), file.toString());
    }

    /** Every certificate in PEM text, in order; {@code source} names it in messages. */
    public static List<X509Certificate> chain(String pem, String source) {
        List<X509Certificate> out = new ArrayList<>();
        for (Object o : objects(pem, source)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    out.add(CERTS.getCertificate(holder));
                } catch (CertificateException e) {
                    throw new PemException(source + ": unreadable certificate: " + e.getMessage(), e);
                }
            }
        }
        if (out.isEmpty()) {
            throw new PemException(source + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(out);
    }

    /** The one private key in PEM text; {@code source} names it in messages. */
    public static PrivateKey key(String pem, String source) {
        PrivateKey found = null;
        for (Object o : objects(pem, source)) {
            PrivateKey k = switch (o) {
                case PrivateKeyInfo pkcs8 -> convert(() -> KEYS.getPrivateKey(pkcs8), source);
                case PEMKeyPair pair -> convert(() -> KEYS.getKeyPair(pair).getPrivate(), source);
                case PEMEncryptedKeyPair ignored -> throw encrypted(source);
                case PKCS8EncryptedPrivateKeyInfo ignored -> throw encrypted(source);
                default -> null; // certificates beside the key, EC PARAMETERS blocks
            };
            if (k != null) {
                if (found != null) {
                    throw new PemException(source + " holds more than one private key");
                }
                found = k;
            }
        }
        if (found == null) {
            throw new PemException(source + " holds no PEM private key (PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
        }
        return found;
    }

    /** PEM text of certificates, leaf first. */
    public static String encodeChain(List<X509Certificate> chain) {
        StringBuilder out = new StringBuilder();
        for (X509Certificate c : chain) {
            try {
                out.append(block("CERTIFICATE", c.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        return out.toString();
    }

    /** PEM text of a private key in PKCS#8 ({@code PRIVATE KEY}), the form every TLS library reads. */
    public static String encodeKey(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new PemException(file + " is not a PEM file (binary content; DER files must be converted to PEM)");
        } catch (IOException e) {
            throw new PemException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static List<Object> objects(String pem, String source) {
        List<Object> out = new ArrayList<>();
        try (Reader r = new StringReader(pem); PEMParser parser = new PEMParser(r)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (!(o instanceof ASN1ObjectIdentifier)) {
                    out.add(o);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new PemException(source + " is not valid PEM: " + e.getMessage(), e);
        }
        return out;
    }

    private interface KeyConversion {
        PrivateKey convert() throws IOException;
    }

    private static PrivateKey convert(KeyConversion conversion, String source) {
        try {
            return conversion.convert();
        } catch (IOException | RuntimeException e) {
            throw new PemException(source + ": unsupported or damaged private key: " + e.getMessage(), e);
        }
    }

    private static PemException encrypted(String source) {
        return new PemException(source + " holds an encrypted private key; give the key unencrypted "
                + "(openssl pkey -in KEY -out KEY.plain), readable only by Engawa's user");
    }
}
