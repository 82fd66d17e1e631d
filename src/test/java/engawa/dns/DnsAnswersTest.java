package engawa.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The answer logic, table first (as CoreDNS tests its plugins): each row is a question and the exact
 * response sections. The first zone is RFC 4592's section 2.2.1 example, whose expected answers the RFC
 * spells out; the second is the reference zone of examples/engawa.yaml with ALIAS, chains and a delegation.
 */
class DnsAnswersTest {
    private static final String RFC4592 = """
            edge: {addresses: ["192.0.2.80", "2001:db8::80"]}
            sites: {web: {hosts: [web.example], routes: [{path: /, redirect: {to: "https://x.test/"}}]}}
            zones:
              example:
                ttl: 3600
                soa: {primary: ns.example.com., contact: hostmaster.example., minimum: 60}
                records:
                  - {name: "@", type: NS, values: [ns.example.com., ns.example.net.]}
                  - {name: "*", type: TXT, values: ["\\"this is a wildcard\\""]}
                  - {name: "*", type: MX, values: ["10 host1.example."]}
                  - {name: sub.*, type: TXT, values: ["\\"this is not a wildcard\\""]}
                  - {name: host1, type: A, values: [192.0.2.1]}
                  - {name: _ssh._tcp.host1, type: SRV, values: ["0 0 22 host1.example."]}
                  - {name: _ssh._tcp.host2, type: SRV, values: ["0 0 22 host2.example."]}
                  - {name: subdel, type: NS, values: [ns.example.com., ns.example.net.]}
                  - {name: web, type: ALIAS, site: web}
                  - {name: a, type: CNAME, values: [b]}
                  - {name: b, type: CNAME, values: [host1]}
                  - {name: to-nx, type: CNAME, values: [nothing._tcp.host1]}
                  - {name: to-out, type: CNAME, values: [www.elsewhere.test.]}
                  - {name: to-deleg, type: CNAME, values: [x.subdel]}
                  - {name: to-wild, type: CNAME, values: [anything]}
                  - {name: loop1, type: CNAME, values: [loop2]}
                  - {name: loop2, type: CNAME, values: [loop1]}
            """;

    private static Answering rfc;

    @BeforeAll
    static void compile() {
        rfc = new Answering(RFC4592);
    }

    @AfterAll
    static void close() {
        rfc.close();
    }

    record Row(int n, String name, int type, int rcode, boolean aa, List<String> answer, List<String> authority,
               List<String> additional) {
        @Override
        public String toString() {
            return n + ": " + name + " " + Type.string(type);
        }
    }

    private static final String SOA = "example. 60 IN SOA ns.example.com. hostmaster.example. 7 3600 600 604800 60";
    private static final List<String> NONE = List.of();

    private static Row row(int n, String name, int type, int rcode, boolean aa, List<String> answer, List<String> authority,
                           List<String> additional) {
        return new Row(n, name, type, rcode, aa, answer, authority, additional);
    }

    static Stream<Row> rows() {
        List<String> referral = List.of("subdel.example. 3600 IN NS ns.example.com.", "subdel.example. 3600 IN NS ns.example.net.");
        return Stream.of(
                // RFC 4592 section 2.2.1, the examples it gives.
                row(1, "host3.example.", Type.MX, Rcode.NOERROR, true, List.of("host3.example. 3600 IN MX 10 host1.example."),
                        NONE, List.of("host1.example. 3600 IN A 192.0.2.1")),
                row(2, "host3.example.", Type.A, Rcode.NOERROR, true, NONE, List.of(SOA), NONE),
                row(3, "foo.bar.example.", Type.TXT, Rcode.NOERROR, true,
                        List.of("foo.bar.example. 3600 IN TXT \"this is a wildcard\""), NONE, NONE),
                row(4, "host1.example.", 65280, Rcode.NOERROR, true, NONE, List.of(SOA), NONE),
                row(5, "sub.*.example.", Type.MX, Rcode.NOERROR, true, NONE, List.of(SOA), NONE),
                row(6, "_telnet._tcp.host1.example.", Type.SRV, Rcode.NXDOMAIN, true, NONE, List.of(SOA), NONE),
                row(7, "host.subdel.example.", Type.A, Rcode.NOERROR, false, NONE, referral, NONE),
                row(8, "ghost.*.example.", Type.MX, Rcode.NXDOMAIN, true, NONE, List.of(SOA), NONE),
                // Empty non-terminals exist: NODATA, and they stop the wildcard (RFC 4592 section 2.2.2).
                row(9, "_tcp.host1.example.", Type.TXT, Rcode.NOERROR, true, NONE, List.of(SOA), NONE),
                row(10, "host2.example.", Type.TXT, Rcode.NOERROR, true, NONE, List.of(SOA), NONE),
                // The wildcard itself, asked for by name.
                row(11, "*.example.", Type.TXT, Rcode.NOERROR, true, List.of("*.example. 3600 IN TXT \"this is a wildcard\""), NONE, NONE),
                // Delegation: the cut itself is referred, its DS is the parent's (none: NODATA).
                row(12, "subdel.example.", Type.NS, Rcode.NOERROR, false, NONE, referral, NONE),
                row(13, "subdel.example.", Type.DS, Rcode.NOERROR, true, NONE, List.of(SOA), NONE),
                // ALIAS: A and AAAA of edge.addresses; other types NODATA.
                row(14, "web.example.", Type.A, Rcode.NOERROR, true, List.of("web.example. 3600 IN A 192.0.2.80"), NONE, NONE),
                row(15, "web.example.", Type.AAAA, Rcode.NOERROR, true, List.of("web.example. 3600 IN AAAA 2001:db8:0:0:0:0:0:80"), NONE, NONE),
                row(16, "web.example.", Type.MX, Rcode.NOERROR, true, NONE, List.of(SOA), NONE),
                // CNAME chains inside the zone are followed; the rcode is the last name's (RFC 6604).
                row(17, "a.example.", Type.A, Rcode.NOERROR, true, List.of("a.example. 3600 IN CNAME b.example.",
                        "b.example. 3600 IN CNAME host1.example.", "host1.example. 3600 IN A 192.0.2.1"), NONE, NONE),
                row(18, "a.example.", Type.AAAA, Rcode.NOERROR, true, List.of("a.example. 3600 IN CNAME b.example.",
                        "b.example. 3600 IN CNAME host1.example."), List.of(SOA), NONE),
                row(19, "a.example.", Type.CNAME, Rcode.NOERROR, true, List.of("a.example. 3600 IN CNAME b.example."), NONE, NONE),
                row(20, "to-nx.example.", Type.A, Rcode.NXDOMAIN, true, List.of("to-nx.example. 3600 IN CNAME nothing._tcp.host1.example."),
                        List.of(SOA), NONE),
                row(21, "to-out.example.", Type.A, Rcode.NOERROR, true, List.of("to-out.example. 3600 IN CNAME www.elsewhere.test."),
                        NONE, NONE),
                row(22, "to-deleg.example.", Type.A, Rcode.NOERROR, true, List.of("to-deleg.example. 3600 IN CNAME x.subdel.example."),
                        referral, NONE),
                row(23, "to-wild.example.", Type.TXT, Rcode.NOERROR, true, List.of("to-wild.example. 3600 IN CNAME anything.example.",
                        "anything.example. 3600 IN TXT \"this is a wildcard\""), NONE, NONE),
                row(24, "loop1.example.", Type.A, Rcode.NOERROR, true, List.of("loop1.example. 3600 IN CNAME loop2.example.",
                        "loop2.example. 3600 IN CNAME loop1.example."), NONE, NONE),
                // Apex data; ANY gets one RRset (RFC 8482).
                row(25, "example.", Type.NS, Rcode.NOERROR, true, List.of("example. 3600 IN NS ns.example.com.",
                        "example. 3600 IN NS ns.example.net."), NONE, NONE),
                row(26, "example.", Type.ANY, Rcode.NOERROR, true,
                        List.of("example. 3600 IN SOA ns.example.com. hostmaster.example. 7 3600 600 604800 60"), NONE, NONE),
                row(27, "host1.example.", Type.ANY, Rcode.NOERROR, true, List.of("host1.example. 3600 IN A 192.0.2.1"), NONE, NONE),
                // Outside every zone.
                row(28, "example.com.", Type.A, Rcode.REFUSED, false, NONE, NONE, NONE),
                row(29, ".", Type.NS, Rcode.REFUSED, false, NONE, NONE, NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void answersAsTheRfcsSay(Row row) {
        Message m = rfc.ask(row.name, row.type);
        assertThat(m.getRcode()).as("rcode").isEqualTo(row.rcode);
        assertThat(m.getHeader().getFlag(Flags.AA)).as("AA").isEqualTo(row.aa);
        assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
        assertThat(m.getQuestion().getName().toString()).isEqualTo(row.name);
        assertThat(section(m, Section.ANSWER)).as("answer").containsExactlyElementsOf(row.answer);
        assertThat(section(m, Section.AUTHORITY)).as("authority").containsExactlyElementsOf(row.authority);
        assertThat(section(m, Section.ADDITIONAL)).as("additional").containsExactlyElementsOf(row.additional);
    }

    static List<String> section(Message m, int section) {
        return m.getSection(section).stream().filter(r -> r.getType() != Type.OPT).map(DnsAnswersTest::text).toList();
    }

    static String text(Record r) {
        return String.join(" ", Arrays.stream(r.toString().split("\\s+")).toList());
    }
}
