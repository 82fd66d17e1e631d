package engawa.cutover;

import engawa.config.Names;
import engawa.tls.PemFiles;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * Runs one {@link Check} once against the live listeners of its instance and says whether it holds, with what
 * it saw. The runner retries it until it holds or its timeout passes. Blocking; thread-safe.
 */
final class Checker {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    /** One run of a check: whether it held, and what was seen. */
    record Outcome(boolean ok, String detail) {
    }

    private final Fleet fleet;

    Checker(Fleet fleet) {
        this.fleet = fleet;
    }

    Outcome run(Check check) {
        try {
            return switch (check) {
                case Check.Dns d -> dns(d);
                case Check.Tls t -> tls(t);
                case Check.Http h -> http(h);
            };
        } catch (IOException e) {
            return new Outcome(false, e.getClass().getSimpleName() + ": " + e.getMessage());
        } catch (CutoverException e) {
            return new Outcome(false, e.getMessage());
        }
    }

    private Outcome dns(Check.Dns d) throws IOException {
        Fleet.Instance at = fleet.instance(d.server());
        int type = Type.value(d.type());
        Message m = Probes.dns(at.socket("dns"), d.name(), type, PROBE_TIMEOUT);
        int rcode = m.getRcode();
        boolean aa = m.getHeader().getFlag(Flags.AA);
        List<Record> answer = new ArrayList<>();
        for (Record r : m.getSection(Section.ANSWER)) {
            if (r.getType() == type && r.getName().toString().equalsIgnoreCase(d.name())) {
                answer.add(r);
            }
        }
        List<String> values = answer.stream().map(Record::rdataToString).toList();
        String seen = Rcode.string(rcode) + (aa ? " aa" : "") + (values.isEmpty() ? "" : " " + values);
        switch (d.expect()) {
            case "present":
                return new Outcome(rcode == Rcode.NOERROR && aa && !answer.isEmpty(), seen);
            case "absent":
                return new Outcome((rcode == Rcode.NXDOMAIN || rcode == Rcode.NOERROR) && answer.isEmpty(), seen);
            case "referral": {
                List<String> ns = new ArrayList<>();
                for (Record r : m.getSection(Section.AUTHORITY)) {
                    if (r instanceof NSRecord n) {
                        ns.add(n.getTarget().toString());
                    }
                }
                boolean ok = rcode == Rcode.NOERROR && !aa && !ns.isEmpty();
                return new Outcome(ok, ok ? "referral to " + ns : seen + (ns.isEmpty() ? "" : " NS " + ns));
            }
            case "values": {
                Set<String> want = new TreeSet<>();
                for (String v : d.values()) {
                    want.add(Record.fromString(Name.root, type, DClass.IN, 0, v, Name.fromString(d.name())).rdataToString());
                }
                return new Outcome(rcode == Rcode.NOERROR && want.equals(new TreeSet<>(values)), seen);
            }
            case "edge_of_site": {
                Set<InetAddress> got = new HashSet<>();
                for (Record r : answer) {
                    got.add(r instanceof ARecord a ? a.getAddress() : ((AAAARecord) r).getAddress());
                }
                if (got.isEmpty()) {
                    return new Outcome(false, seen);
                }
                List<String> considered = new ArrayList<>();
                for (Fleet.Instance i : fleet.instances().values()) {
                    String host = Names.stripDot(d.name());
                    // With site: the instance that has that site for the name (even where an exact name on
                    // another site still wins, as mid-move); without: any instance with a site serving it.
                    String site = d.site() == null ? Fleet.siteServing(i.document(), host)
                            : Fleet.siteCovers(i.document(), d.site(), host) ? d.site() : null;
                    if (site == null) {
                        continue;
                    }
                    Set<InetAddress> edge = new HashSet<>();
                    for (String a : DocumentTree.edgeAddresses(i.document())) {
                        InetAddress ia = Names.ipLiteral(a);
                        if ((type == Type.A) == (ia instanceof java.net.Inet4Address)) {
                            edge.add(ia);
                        }
                    }
                    if (edge.equals(got)) {
                        return new Outcome(true, Fleet.addressStrings(List.copyOf(got)) + ": the edge of " + i.name() + ", site " + site);
                    }
                    considered.add(i.name() + " (site " + site + ") " + Fleet.addressStrings(List.copyOf(edge)));
                }
                return new Outcome(false, seen + "; the edges serving it: " + (considered.isEmpty() ? "none" : considered));
            }
            default:
                throw new IllegalStateException("dns expect " + d.expect());
        }
    }

    private Outcome tls(Check.Tls t) throws IOException {
        Fleet.Instance at = fleet.instance(t.server());
        List<X509Certificate> chain = Probes.handshake(at.socket("https"), t.host(), PROBE_TIMEOUT);
        List<X509Certificate> anchors = new ArrayList<>();
        anchors.add(fleet.internalCa(t.server()));
        if (t.ca() != null) {
            anchors.addAll(PemFiles.readChain(t.ca()));
        }
        String problem = Probes.verify(chain, t.host(), anchors);
        X509Certificate leaf = chain.get(0);
        String seen = "certificate for " + Probes.dnsNames(leaf) + " until " + leaf.getNotAfter().toInstant()
                + " from " + leaf.getIssuerX500Principal().getName();
        return new Outcome(problem == null, problem == null ? seen : problem);
    }

    private Outcome http(Check.Http h) throws IOException {
        Fleet.Instance at = fleet.instance(h.server());
        URI url = URI.create(h.url());
        Probes.HttpResult r = Probes.get(at.socket(url.getScheme()), url, PROBE_TIMEOUT);
        List<String> wrong = new ArrayList<>();
        if (r.status() != h.expectStatus()) {
            wrong.add("status " + r.status() + ", not " + h.expectStatus());
        }
        if (h.expectBodyContains() != null && !r.body().contains(h.expectBodyContains())) {
            wrong.add("the body does not contain \"" + h.expectBodyContains() + "\"");
        }
        for (Map.Entry<String, String> e : h.expectHeaders().entrySet()) {
            List<String> got = r.headers().getOrDefault(e.getKey().toLowerCase(java.util.Locale.ROOT), List.of());
            if (got.stream().noneMatch(v -> v.contains(e.getValue()))) {
                wrong.add("header " + e.getKey() + " is " + got + ", not \"" + e.getValue() + "\"");
            }
        }
        return new Outcome(wrong.isEmpty(), wrong.isEmpty() ? "status " + r.status() + ", " + r.body().length() + " bytes" : String.join("; ", wrong));
    }
}
