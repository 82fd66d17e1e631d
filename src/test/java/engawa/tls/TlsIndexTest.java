package engawa.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which certificate answers which server name. */
class TlsIndexTest {
    private static final InternalCa CA = InternalCa.create(Instant.now());
    private static final TlsIndex INDEX = index();

    private static TlsIndex.Entry entry(String name, String... hosts) {
        CertifiedKey k = CA.issue(List.of(hosts), InternalIssuer.VALIDITY);
        try {
            return new TlsIndex.Entry(name, k, TlsProvider.jdk().serverContext(k));
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TlsIndex index() {
        var entries = List.of(
                entry("first", "first.test"),
                entry("wide", "*.example.test", "example.test", "api.example.test"),
                entry("www", "www.example.test", "*.example.test"),
                entry("deep", "*.dev.example.test"),
                new TlsIndex.Entry("pending", null, null));
        Map<String, String> siteHosts = new LinkedHashMap<>();
        siteHosts.put("www.example.test", "www");        // a site's own choice
        siteHosts.put("*.shop.example.test", "wide");    // a site wildcard whose certificate does not cover it
        siteHosts.put("pending.test", "pending");        // not issued yet: never selected
        return TlsIndex.of(entries, siteHosts);
    }

    @ParameterizedTest(name = "{index}: {0} -> {1}")
    @CsvSource(nullValues = "NONE", value = {
            "example.test,          wide",   // a certificate's exact name
            "api.example.test,      wide",   // exact beats the wildcard of another
            "www.example.test,      www",    // the site's tls beats a certificate listing the name first
            "other.example.test,    wide",   // wildcard: the first certificate listing it
            "x.dev.example.test,    deep",   // the longest wildcard suffix
            "a.b.dev.example.test,  deep",   // then shorter ones, as sites match
            "x.shop.example.test,   wide",   // a site wildcard
            "www.example.test.,     www",    // trailing dot
            "pending.test,          first",  // not issued: the default
            "unknown.test,          first",  // the first certificate of the document
            "NONE,                  first"}) // no SNI at all
    void selectsByExactNameThenWildcardThenTheFirst(String serverName, String expected) {
        assertThat(INDEX.select(serverName).name()).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void anIndexWithoutIssuedCertificatesSelectsNothing() {
        var empty = TlsIndex.of(List.of(new TlsIndex.Entry("pending", null, null)), Map.of());
        assertThat(empty.select("a.test")).isNull();
        assertThat(TlsIndex.EMPTY.select(null)).isNull();
    }
}
