package engawa.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import engawa.testing.Examples;
import engawa.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PEM chains and keys in the forms servers meet, written by openssl itself. */
class PemFilesTest {
    private final Path dir = TestServer.newDir();

    private Path openssl(String keyFile, String... genkey) {
        Path key = dir.resolve(keyFile);
        List<String> cmd = new java.util.ArrayList<>(List.of(genkey));
        cmd.addAll(2, List.of("-out", key.toString())); // right after the subcommand: genrsa wants its size last
        var r = TlsClients.run("", cmd.toArray(String[]::new));
        assertThat(r.exit()).as(r.output()).isZero();
        return key;
    }

    private Path selfSigned(Path key, String host) {
        Path crt = dir.resolve(host + ".crt");
        var r = TlsClients.run("", "openssl", "req", "-x509", "-key", key.toString(), "-subj", "/CN=" + host,
                "-addext", "subjectAltName=DNS:" + host, "-days", "2", "-out", crt.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        return crt;
    }

    @Test
    void readsTheExamplesPkcs8EcKeyAndItsCertificate() {
        var k = new CertifiedKey(PemFiles.readChain(Examples.dir().resolve("certs/example.test.crt")),
                PemFiles.readKey(Examples.dir().resolve("certs/example.test.key")));
        assertThat(k.key().getAlgorithm()).isEqualTo("EC");
        assertThat(k.dnsNames()).containsExactly("example.test", "*.example.test", "*.tunnel.example.test");
        assertThat(k.keyMatchesLeaf()).isTrue();
        assertThat(k.covers("www.example.test")).isTrue();
        assertThat(k.covers("*.example.test")).isTrue();
        assertThat(k.covers("a.b.example.test")).isFalse();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @CsvSource(delimiter = '|', value = {
            "PKCS#1 RSA           | -----BEGIN RSA PRIVATE KEY-----  | RSA | openssl genrsa -traditional 2048",
            "PKCS#8 RSA           | -----BEGIN PRIVATE KEY-----      | RSA | openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048",
            "SEC1 EC              | -----BEGIN EC PRIVATE KEY-----   | EC  | openssl ecparam -name prime256v1 -genkey -noout",
            "SEC1 EC after params | -----BEGIN EC PARAMETERS-----    | EC  | openssl ecparam -name secp384r1 -genkey",
            "PKCS#8 EC            | -----BEGIN PRIVATE KEY-----      | EC  | openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256"})
    void readsEveryKeyFormOpensslWrites(String form, String header, String algorithm, String command) throws Exception {
        Path key = openssl("k.pem", command.split(" "));
        assertThat(Files.readString(key)).startsWith(header);
        var k = new CertifiedKey(PemFiles.readChain(selfSigned(key, "k.test")), PemFiles.readKey(key));
        assertThat(k.key().getAlgorithm()).isEqualTo(algorithm);
        assertThat(k.keyMatchesLeaf()).isTrue();
        assertThat(TlsProvider.jdk().serverContext(k)).isNotNull();
    }

    @Test
    void anEncryptedKeyIsRefusedWithAHint() {
        Path key = openssl("enc.key", "openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-aes-256-cbc", "-pass", "pass:secret");
        assertThatThrownBy(() -> PemFiles.readKey(key)).isInstanceOf(PemFiles.PemException.class)
                .hasMessage(key + " holds an encrypted private key; give the key unencrypted "
                        + "(openssl pkey -in KEY -out KEY.plain), readable only by Engawa's user");
    }

    @Test
    void aKeyOfAnotherPairDoesNotMatch() {
        Path a = openssl("a.key", "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout");
        Path b = openssl("b.key", "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout");
        Path rsa = openssl("r.key", "openssl", "genrsa", "2048");
        var cert = PemFiles.readChain(selfSigned(a, "a.test"));
        assertThat(new CertifiedKey(cert, PemFiles.readKey(a)).keyMatchesLeaf()).isTrue();
        assertThat(new CertifiedKey(cert, PemFiles.readKey(b)).keyMatchesLeaf()).isFalse();
        assertThat(new CertifiedKey(cert, PemFiles.readKey(rsa)).keyMatchesLeaf()).isFalse();
    }

    @Test
    void twoKeysInOneFileAreRefused() throws Exception {
        Path a = openssl("a.key", "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout");
        Path both = Files.writeString(dir.resolve("both.key"), Files.readString(a) + Files.readString(a));
        assertThatThrownBy(() -> PemFiles.readKey(both)).hasMessage(both + " holds more than one private key");
    }

    @Test
    void whatItWritesItReads() {
        var issued = InternalCa.create(java.time.Instant.now()).issue(List.of("w.test", "*.w.test"), java.time.Duration.ofDays(1));
        var back = CertifiedKey.fromPem(issued.toPem(), "test");
        assertThat(back.fingerprint()).isEqualTo(issued.fingerprint());
        assertThat(back.dnsNames()).containsExactly("w.test", "*.w.test");
    }
}
