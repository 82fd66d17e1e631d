package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.config.Names;
import engawa.tls.PemFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The safety invariant of a cutover: every host named in the plan resolves through Engawa's DNS to an edge
 * whose site serves that host with a certificate that covers it. {@link #live} checks it over the wire (real
 * queries following referrals, a real handshake at each address); {@link #simulated} sees it in documents, as
 * far as documents show it (a certificate from PEM files is read when its file is on this machine).
 */
final class Invariant {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    /** The verdict: one line per host, and whether every host holds. */
    record Verdict(boolean holds, List<String> lines) {
        String summary() {
            return String.join("; ", lines);
        }
    }

    private Invariant() {
    }

    /** Exact host names the plan names: sites' hosts it sets, certificates it issues, records it points, names it checks. */
    static List<String> hosts(CutoverPlan plan) {
        Set<String> out = new LinkedHashSet<>();
        for (CutoverPlan.Step s : plan.steps()) {
            switch (s.change()) {
                case ChangeOp.SetSiteHosts h -> {
                    if (h.hosts() != null) {
                        out.addAll(h.hosts());
                    }
                    out.addAll(h.add());
                    out.addAll(h.remove());
                }
                case ChangeOp.IssueCertificate c -> out.addAll(c.hosts());
                case ChangeOp.SetRecord r -> {
                    String t = DocumentTree.type(r.record());
                    if (t.equals("ALIAS") || t.equals("A") || t.equals("AAAA") || t.equals("CNAME")) {
                        out.add(Names.stripDot(DocumentTree.owner(r.record(), Names.absolute(r.zone()))));
                    }
                }
                default -> {
                }
            }
            for (Check c : s.checks()) {
                switch (c) {
                    case Check.Tls t -> out.add(t.host());
                    case Check.Http h -> out.add(Names.normalize(java.net.URI.create(h.url()).getHost()));
                    case Check.Dns d -> {
                        if (d.expect().equals("edge_of_site")) {
                            out.add(Names.stripDot(d.name()));
                        }
                    }
                }
            }
        }
        out.removeIf(h -> h.startsWith("*."));
        return List.copyOf(out);
    }

    static Verdict live(List<String> hosts, Fleet fleet) {
        Map<String, Fleet.Instance> instances = fleet.instances();
        ZoneModel model = fleet.model(instances);
        boolean holds = true;
        List<String> lines = new ArrayList<>();
        for (String host : hosts) {
            Resolution r = LiveResolver.resolve(host, instances, model);
            if (!r.ok()) {
                holds = false;
                lines.add(host + ": does not resolve (" + r.describe() + ")");
                continue;
            }
            for (InetAddress a : r.addresses()) {
                String target = model.targetAt(a);
                if (target == null) {
                    holds = false;
                    lines.add(host + " -> " + a.getHostAddress() + ": no instance of the plan is there");
                    continue;
                }
                Fleet.Instance i = instances.get(target);
                String site = Fleet.siteServing(i.document(), host);
                if (site == null) {
                    holds = false;
                    lines.add(host + " -> " + a.getHostAddress() + " (" + target + "): no site serves it there");
                    continue;
                }
                String problem;
                try {
                    InetSocketAddress https = new InetSocketAddress(a, i.socket("https").getPort());
                    problem = Probes.verify(Probes.handshake(https, host, PROBE_TIMEOUT), host, null);
                } catch (IOException | CutoverException e) {
                    problem = "no TLS handshake: " + e.getMessage();
                }
                if (problem != null) {
                    holds = false;
                    lines.add(host + " -> " + a.getHostAddress() + " (" + target + ", site " + site + "): " + problem);
                } else {
                    lines.add(host + " -> " + a.getHostAddress() + " (" + target + ", site " + site + ", certificate covers it)");
                }
            }
        }
        return new Verdict(holds, lines);
    }

    /** The invariant in documents: {@code baseDirs} locate PEM certificate files that are on this machine. */
    static Verdict simulated(List<String> hosts, Map<String, JsonNode> documents, Map<String, String> baseDirs, ZoneModel model) {
        boolean holds = true;
        List<String> lines = new ArrayList<>();
        for (String host : hosts) {
            Resolution r = model.resolve(host);
            if (!r.ok()) {
                holds = false;
                lines.add(host + ": does not resolve (" + r.describe() + ")");
                continue;
            }
            for (InetAddress a : r.addresses()) {
                String target = model.targetAt(a);
                JsonNode doc = target == null ? null : documents.get(target);
                String site = doc == null ? null : Fleet.siteServing(doc, host);
                String problem = null;
                if (doc == null) {
                    problem = "no instance of the plan is there";
                } else if (site == null) {
                    problem = "no site serves it there";
                } else {
                    problem = certificateProblem(doc, site, host, baseDirs.get(target));
                }
                String where = host + " -> " + a.getHostAddress() + (target == null ? "" : " (" + target + (site == null ? "" : ", site " + site) + ")");
                if (problem != null) {
                    holds = false;
                    lines.add(where + ": " + problem);
                } else {
                    lines.add(where);
                }
            }
        }
        return new Verdict(holds, lines);
    }

    private static String certificateProblem(JsonNode doc, String site, String host, String baseDir) {
        String tls = doc.path("sites").path(site).path("tls").asText(null);
        if (tls == null) {
            return "site " + site + " has no certificate";
        }
        JsonNode cert = doc.path("certificates").get(tls);
        if (cert == null) {
            return "site " + site + "'s certificate \"" + tls + "\" is not in the document";
        }
        if (cert.has("issuer")) {
            return null; // an issuer issues for every host of the sites that use it
        }
        String file = cert.path("cert_file").asText(null);
        if (file == null || baseDir == null) {
            return null;
        }
        Path p = Path.of(baseDir).resolve(file);
        if (!Files.isReadable(p)) {
            return null; // on the instance's machine, not this one: the live check sees it
        }
        try {
            List<X509Certificate> chain = PemFiles.readChain(p);
            return Probes.verify(chain, host, null);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
