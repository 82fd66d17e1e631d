package engawa.tls;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.store.Store;
import engawa.testing.TestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The local CA: one per store, whoever asks first; the leaves it issues; the store cache of issued certificates. */
class InternalCaTest {
    private final Path dir = TestServer.newDir();

    @Test
    void theRootIsAnEcP256CaNamedEngawaLocalCaValidTenYears() {
        try (Store store = Store.open(dir, null)) {
            InternalCa ca = InternalCa.loadOrCreate(store);
            X509Certificate root = ca.certificate();
            assertThat(ca.name()).matches("Engawa Local CA [0-9a-f]{8}");
            assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("EC");
            assertThat(root.getBasicConstraints()).isZero();
            assertThat(Duration.between(Instant.now(), root.getNotAfter().toInstant()).toDays()).isBetween(3648L, 3650L);
            assertThat(InternalCa.load(store).orElseThrow().certificate()).isEqualTo(root);
        }
    }

    @Test
    void nodesSharingAStoreCreateOneCaBetweenThem() throws Exception {
        List<Callable<X509Certificate>> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            nodes.add(() -> {
                try (Store own = Store.open(dir, null)) {
                    return InternalCa.loadOrCreate(own).certificate();
                }
            });
        }
        try (var pool = Executors.newFixedThreadPool(4)) {
            List<X509Certificate> roots = new ArrayList<>();
            for (Future<X509Certificate> f : pool.invokeAll(nodes)) {
                roots.add(f.get());
            }
            assertThat(Set.copyOf(roots)).hasSize(1);
        }
    }

    @Test
    void leavesCoverTheirHostsWildcardsIncludedAndValidateToTheRoot() throws Exception {
        InternalCa ca = InternalCa.create(Instant.now());
        CertifiedKey leaf = ca.issue(List.of("shop.test", "*.shop.test"), InternalIssuer.VALIDITY);
        assertThat(leaf.dnsNames()).containsExactly("shop.test", "*.shop.test");
        assertThat(leaf.leaf().getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.leaf().getBasicConstraints()).isEqualTo(-1);
        assertThat(leaf.keyMatchesLeaf()).isTrue();
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(leaf.chain()), params);
        // And openssl agrees.
        Path caFile = Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
        Path leafFile = Files.writeString(dir.resolve("leaf.crt"), PemFiles.encodeChain(leaf.chain()));
        var verify = TlsClients.run("", "openssl", "verify", "-CAfile", caFile.toString(), "-purpose", "sslserver", leafFile.toString());
        assertThat(verify.output()).contains("leaf.crt: OK");
    }

    @Test
    void anIssuedCertificateIsKeptUntilItsHostsChangeOrItsEndNears() {
        try (Store store = Store.open(dir, null)) {
            Certificates certs = new Certificates(store, true, new SimpleMeterRegistry());
            CertifiedKey first = certs.obtain("local", "internal", List.of("a.test", "*.a.test"));
            assertThat(certs.obtain("local", "internal", List.of("*.a.test", "a.test")).fingerprint()).isEqualTo(first.fingerprint());

            CertifiedKey grown = certs.obtain("local", "internal", List.of("a.test", "*.a.test", "b.test"));
            assertThat(grown.fingerprint()).isNotEqualTo(first.fingerprint());
            assertThat(grown.dnsNames()).containsExactlyInAnyOrder("a.test", "*.a.test", "b.test");

            // Near its end (under 30 days left): issued anew.
            CertifiedKey ending = certs.internal().ca().issue(List.of("a.test"), Duration.ofDays(10));
            store.putValue(Certificates.ISSUED, "local", ending.toPem());
            CertifiedKey renewed = certs.obtain("local", "internal", List.of("a.test"));
            assertThat(renewed.fingerprint()).isNotEqualTo(ending.fingerprint());
            assertThat(renewed.notAfter()).isAfter(Instant.now().plus(Duration.ofDays(360)));

            // From another CA (a store restored from elsewhere): issued anew under this one.
            CertifiedKey foreign = InternalCa.create(Instant.now()).issue(List.of("a.test"), Duration.ofDays(300));
            store.putValue(Certificates.ISSUED, "local", foreign.toPem());
            assertThat(certs.internal().ca().signed(certs.obtain("local", "internal", List.of("a.test")).leaf())).isTrue();
        }
    }

    @Test
    void issueAlwaysIssuesAndStoresForTheNextRevision() {
        try (Store store = Store.open(dir, null)) {
            Certificates certs = new Certificates(store, true, new SimpleMeterRegistry());
            CertifiedKey a = certs.issue("www", "internal", List.of("www.example.test", "*.example.test"));
            CertifiedKey b = certs.issue("www", "internal", List.of("www.example.test", "*.example.test"));
            assertThat(b.fingerprint()).isNotEqualTo(a.fingerprint());
            assertThat(certs.stored("www").orElseThrow().fingerprint()).isEqualTo(b.fingerprint());
            assertThat(certs.obtain("www", "internal", List.of("*.example.test", "www.example.test")).fingerprint())
                    .isEqualTo(b.fingerprint());
        }
    }
}
