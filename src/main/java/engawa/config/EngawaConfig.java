package engawa.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config document, read and validated: every listener, site, upstream, zone and tunnel setting of one
 * revision. Immutable; compiled into a {@code Snapshot} to serve.
 */
public record EngawaConfig(
        ListenConfig listen,
        EdgeConfig edge,
        AdminConfig admin,
        HttpSettings http,
        DnsSettings dns,
        LogConfig log,
        Map<String, CertificateConfig> certificates,
        Map<String, UpstreamConfig> upstreams,
        Map<String, SiteConfig> sites,
        Map<String, ZoneConfig> zones,
        TunnelsConfig tunnels,
        Path baseDir,
        List<ConfigProblem> warnings) {

    /**
     * Reads and validates a document. Throws a {@link ConfigException} listing every error; warnings (a
     * static root that does not exist yet, say) are kept in {@link #warnings()}.
     */
    public static EngawaConfig read(ConfigDocument document) {
        Problems problems = new Problems();
        Node root = Node.root(document.tree(), problems, document.baseDir());
        if (document.tree() != null && !document.tree().isObject()) {
            throw new ConfigException("", "a config document is a mapping of sections (listen, sites, ...)");
        }
        root.keys("listen", "edge", "admin", "http", "dns", "log", "certificates", "upstreams", "sites", "zones", "tunnels");
        Map<String, CertificateConfig> certificates = new LinkedHashMap<>();
        root.get("certificates").entries().forEach((name, n) -> certificates.put(name, CertificateConfig.read(name, n)));
        Map<String, UpstreamConfig> upstreams = new LinkedHashMap<>();
        root.get("upstreams").entries().forEach((name, n) -> upstreams.put(name, UpstreamConfig.read(name, n)));
        Map<String, SiteConfig> sites = new LinkedHashMap<>();
        root.get("sites").entries().forEach((name, n) -> sites.put(name, SiteConfig.read(name, n)));
        Map<String, ZoneConfig> zones = new LinkedHashMap<>();
        root.get("zones").entries().forEach((name, n) -> {
            if (!Names.isHostName(Names.stripDot(name))) {
                n.error("\"" + name + "\" is not a domain name");
            } else {
                zones.put(Names.absolute(name), ZoneConfig.read(name, n));
            }
        });
        EngawaConfig config = new EngawaConfig(
                ListenConfig.read(root.get("listen")),
                EdgeConfig.read(root.get("edge")),
                AdminConfig.read(root.get("admin")),
                HttpSettings.read(root.get("http")),
                DnsSettings.read(root.get("dns")),
                LogConfig.read(root.get("log")),
                // Certificates keep document order: the first one is the TLS default for unknown names.
                java.util.Collections.unmodifiableMap(certificates), java.util.Collections.unmodifiableMap(upstreams),
                java.util.Collections.unmodifiableMap(sites), java.util.Collections.unmodifiableMap(zones),
                TunnelsConfig.read(root.get("tunnels")),
                document.baseDir(),
                List.of());
        ConfigValidator.validate(config, problems);
        problems.throwIfErrors();
        return new EngawaConfig(config.listen, config.edge, config.admin, config.http, config.dns, config.log, config.certificates,
                config.upstreams, config.sites, config.zones, config.tunnels, config.baseDir, problems.warnings());
    }
}
