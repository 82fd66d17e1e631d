package engawa.tls;

import engawa.config.CertificateConfig;
import engawa.config.EngawaConfig;
import engawa.config.Problems;
import engawa.config.SiteConfig;
import engawa.snapshot.CompileContext;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLException;

/**
 * Compiles {@code certificates:} into a {@link TlsIndex}: reads each PEM chain and key (errors name the
 * file's path: unreadable, no certificate, no key, key not the certificate's; an expired certificate is a
 * warning), obtains the certificates of {@code issuer: internal} for every host of the sites (and the
 * tunnel domain) that use them, checks that each site's certificate covers each of its hosts, and builds
 * the TLS contexts. A dry compile reads and checks but issues, stores and builds nothing. Runs on the
 * compiling thread; blocking.
 */
public final class TlsIndexCompiler {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private TlsIndexCompiler() {
    }

    public static TlsIndex compile(CompileContext ctx) {
        EngawaConfig config = ctx.config();
        Problems problems = ctx.problems();
        Certificates certificates = ctx.services().certificates();
        boolean live = certificates.writable();
        Map<String, Set<String>> users = hostsByCertificate(config);

        Map<String, CertifiedKey> keys = new LinkedHashMap<>();
        Map<String, IssuedSlot> slots = new LinkedHashMap<>();
        for (CertificateConfig cc : config.certificates().values()) {
            String at = "certificates." + cc.name();
            if (cc.issued()) {
                Set<String> hosts = users.getOrDefault(cc.name(), Set.of());
                if (hosts.isEmpty() || !live) {
                    continue; // nothing to issue for (yet), or a dry run, which issues nothing
                }
                try {
                    IssuedSlot slot = certificates.slot(cc.name(), cc.issuer(), hosts);
                    slots.put(cc.name(), slot);
                    keys.put(cc.name(), slot.key());
                } catch (SSLException | RuntimeException e) {
                    problems.error(at + ".issuer", "cannot issue a certificate for " + hosts + ": " + e.getMessage());
                }
            } else if (cc.certFile() != null && cc.keyFile() != null) {
                CertifiedKey k = load(at, cc, problems);
                if (k != null) {
                    keys.put(cc.name(), k);
                }
            }
        }

        checkCoverage(config, keys, problems);

        List<TlsIndex.Entry> entries = new ArrayList<>();
        for (CertificateConfig cc : config.certificates().values()) {
            if (slots.containsKey(cc.name())) {
                entries.add(TlsIndex.Entry.issued(slots.get(cc.name())));
                continue;
            }
            CertifiedKey k = keys.get(cc.name());
            io.netty.handler.ssl.SslContext context = null;
            if (k != null && live) {
                try {
                    context = certificates.context(k);
                } catch (SSLException | RuntimeException e) {
                    problems.error("certificates." + cc.name(), "cannot be served over TLS: " + e.getMessage());
                }
            }
            entries.add(new TlsIndex.Entry(cc.name(), k, context));
        }
        if (config.listen().https() != null && config.certificates().isEmpty()) {
            problems.warning("listen.https", "no certificates: every TLS handshake fails until one is configured");
        }
        Map<String, String> siteHosts = new LinkedHashMap<>();
        for (SiteConfig site : config.sites().values()) {
            if (site.tls() != null) {
                site.hosts().forEach(h -> siteHosts.put(h, site.tls()));
            }
        }
        var tunnels = config.tunnels();
        if (tunnels != null && tunnels.tls() != null && tunnels.domain() != null) {
            // Tunnel NAME is served at NAME.domain: those names take tunnels.tls, as a site's hosts take its tls.
            siteHosts.putIfAbsent("*." + tunnels.domain(), tunnels.tls());
        }
        return TlsIndex.of(entries, siteHosts);
    }

    /** For each certificate name, the hosts that use it: its sites' hosts and, for {@code tunnels.tls}, {@code *.<domain>}. */
    static Map<String, Set<String>> hostsByCertificate(EngawaConfig config) {
        Map<String, Set<String>> users = new LinkedHashMap<>();
        for (SiteConfig site : config.sites().values()) {
            if (site.tls() != null) {
                users.computeIfAbsent(site.tls(), k -> new TreeSet<>()).addAll(site.hosts());
            }
        }
        var tunnels = config.tunnels();
        if (tunnels != null && tunnels.tls() != null && tunnels.domain() != null) {
            users.computeIfAbsent(tunnels.tls(), k -> new TreeSet<>()).add("*." + tunnels.domain());
        }
        return users;
    }

    private static CertifiedKey load(String at, CertificateConfig cc, Problems problems) {
        List<java.security.cert.X509Certificate> chain = null;
        java.security.PrivateKey key = null;
        try {
            chain = PemFiles.readChain(cc.certFile());
        } catch (PemFiles.PemException e) {
            problems.error(at + ".cert_file", e.getMessage());
        }
        try {
            key = PemFiles.readKey(cc.keyFile());
        } catch (PemFiles.PemException e) {
            problems.error(at + ".key_file", e.getMessage());
        }
        if (chain == null || key == null) {
            return null;
        }
        CertifiedKey k = new CertifiedKey(chain, key);
        if (!k.keyMatchesLeaf()) {
            problems.error(at + ".key_file", "the key in " + cc.keyFile() + " does not belong to the first certificate in "
                    + cc.certFile() + " (give the server certificate first, then its intermediates)");
            return null;
        }
        Instant now = Instant.now();
        if (k.notAfter().isBefore(now)) {
            problems.warning(at + ".cert_file", "the certificate in " + cc.certFile() + " expired on "
                    + DAY.format(k.notAfter()) + ": clients will refuse it");
        } else if (k.notBefore().isAfter(now)) {
            problems.warning(at + ".cert_file", "the certificate in " + cc.certFile() + " is not valid before "
                    + DAY.format(k.notBefore()) + ": clients will refuse it until then");
        }
        return k;
    }

    /** The contract: a site's (and the tunnel domain's) certificate covers each of its hosts. */
    private static void checkCoverage(EngawaConfig config, Map<String, CertifiedKey> keys, Problems problems) {
        for (SiteConfig site : config.sites().values()) {
            CertifiedKey k = site.tls() == null ? null : keys.get(site.tls());
            if (k == null) {
                continue;
            }
            for (int i = 0; i < site.hosts().size(); i++) {
                String host = site.hosts().get(i);
                if (!k.covers(host)) {
                    problems.error("sites." + site.name() + ".hosts[" + i + "]", notCovered(site.tls(), host, k));
                }
            }
        }
        var tunnels = config.tunnels();
        if (tunnels != null && tunnels.tls() != null && tunnels.domain() != null) {
            CertifiedKey k = keys.get(tunnels.tls());
            String wildcard = "*." + tunnels.domain();
            if (k != null && !k.covers(wildcard)) {
                problems.error("tunnels.tls", notCovered(tunnels.tls(), wildcard, k)
                        + " (tunnel NAME is served at NAME." + tunnels.domain() + ")");
            }
        }
    }

    private static String notCovered(String certName, String host, CertifiedKey k) {
        List<String> names = k.dnsNames();
        return "certificate \"" + certName + "\" does not cover \"" + host + "\" (it covers "
                + (names.isEmpty() ? "no DNS name" : String.join(", ", names)) + ")";
    }
}
