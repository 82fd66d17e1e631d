package engawa.dns;

import static engawa.testing.Dig.dig;
import static engawa.testing.Dig.digShort;
import static engawa.testing.Dig.kdig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.config.ConfigDocument;
import engawa.testing.TestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A running server on 127.0.0.1:0 (UDP and TCP), asked with dig and kdig as users ask it. */
class DnsListenerIT {
    static final String CONFIG = """
            listen: {dns: "127.0.0.1:0"}
            edge: {addresses: ["192.0.2.80", "2001:db8::80"], nameservers: [ns1.example.test.]}
            sites: {web: {hosts: [www.example.test], routes: [{path: /, redirect: {to: "https://x.test/"}}]}}
            zones:
              example.test:
                ttl: 300
                soa: {primary: ns1.example.test., contact: hostmaster.example.test., minimum: 120}
                records:
                  - {name: "@", type: NS, values: [ns1]}
                  - {name: ns1, type: A, values: [192.0.2.53]}
                  - {name: "@", type: ALIAS, site: web}
                  - {name: www, type: ALIAS, site: web}
                  - {name: api, type: A, ttl: 60, values: [192.0.2.10, 192.0.2.11]}
                  - {name: api, type: AAAA, values: ["2001:db8::10"]}
                  - {name: docs, type: CNAME, values: [www]}
                  - {name: "@", type: MX, values: ["10 mail"]}
                  - {name: mail, type: A, values: [192.0.2.25]}
                  - {name: txt, type: TXT, values: ["v=spf1 mx -all", "\\"first\\" \\"second\\"", "%s"]}
                  - {name: "@", type: CAA, values: ["0 issue \\"letsencrypt.org\\""]}
                  - {name: _sip._tcp, type: SRV, values: ["10 60 5060 sip"]}
                  - {name: sip, type: A, values: [192.0.2.60]}
                  - {name: 10.2.0.192.in-addr, type: PTR, values: [api]}
                  - {name: svc, type: SVCB, values: ["1 svc-pool alpn=h2 port=8443"]}
                  - {name: svc-pool, type: A, values: [192.0.2.70]}
                  - {name: "@", type: HTTPS, values: ["1 . alpn=h3,h2"]}
                  - {name: "*.dev", type: CNAME, values: [www]}
                  - {name: shop, type: NS, values: [ns1.shop]}
                  - {name: ns1.shop, type: A, values: [192.0.2.99]}
                  - {name: big, type: TXT, values: [%s]}
            """.formatted("x".repeat(300), bigTxt());

    private static TestServer server;
    private static int port;

    private static String bigTxt() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            sb.append(i == 0 ? "" : ", ").append("\"").append(Integer.toString(i).repeat(100)).append("\"");
        }
        return sb.toString();
    }

    @BeforeAll
    static void start() {
        server = TestServer.start(CONFIG);
        port = server.port("dns");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyRecordTypeIsServed() {
        assertThat(digShort(port, "api.example.test", "A")).containsExactlyInAnyOrder("192.0.2.10", "192.0.2.11");
        assertThat(digShort(port, "api.example.test", "AAAA")).containsExactly("2001:db8::10");
        assertThat(digShort(port, "docs.example.test", "CNAME")).containsExactly("www.example.test.");
        assertThat(digShort(port, "example.test", "MX")).containsExactly("10 mail.example.test.");
        assertThat(digShort(port, "example.test", "NS")).containsExactly("ns1.example.test.");
        assertThat(digShort(port, "example.test", "SOA")).singleElement().asString()
                .startsWith("ns1.example.test. hostmaster.example.test. ").endsWith(" 3600 600 604800 120");
        assertThat(digShort(port, "_sip._tcp.example.test", "SRV")).containsExactly("10 60 5060 sip.example.test.");
        assertThat(digShort(port, "example.test", "CAA")).containsExactly("0 issue \"letsencrypt.org\"");
        assertThat(digShort(port, "10.2.0.192.in-addr.example.test", "PTR")).containsExactly("api.example.test.");
        assertThat(digShort(port, "svc.example.test", "SVCB")).containsExactly("1 svc-pool.example.test. alpn=\"h2\" port=8443");
        assertThat(digShort(port, "example.test", "HTTPS")).containsExactly("1 . alpn=\"h3,h2\"");
        assertThat(digShort(port, "txt.example.test", "TXT")).containsExactlyInAnyOrder(
                "\"v=spf1 mx -all\"", "\"first\" \"second\"", "\"" + "x".repeat(255) + "\" \"" + "x".repeat(45) + "\"");
    }

    @Test
    void aliasAnswersWithTheEdgeAddressesEvenAtTheApex() {
        assertThat(digShort(port, "example.test", "A")).containsExactly("192.0.2.80");
        assertThat(digShort(port, "www.example.test", "AAAA")).containsExactly("2001:db8::80");
        assertThat(dig(port, "www.example.test", "TYPE65534")).doesNotContain("ALIAS");
        assertThat(digShort(port, "docs.example.test", "A")).containsExactly("www.example.test.", "192.0.2.80");
        assertThat(digShort(port, "anything.dev.example.test", "A")).containsExactly("www.example.test.", "192.0.2.80");
    }

    @Test
    void nxdomainAndNodataCarryTheSoaWithTheNegativeTtl() {
        String nx = dig(port, "+norec", "nothing.example.test", "A");
        assertThat(nx).contains("status: NXDOMAIN").contains("flags: qr aa;");
        assertThat(nx).containsPattern("AUTHORITY SECTION:\\s+example\\.test\\.\\s+120\\s+IN\\s+SOA\\s+ns1\\.example\\.test\\.");
        String nodata = dig(port, "+norec", "api.example.test", "MX");
        assertThat(nodata).contains("status: NOERROR").contains("ANSWER: 0, AUTHORITY: 1");
        assertThat(nodata).containsPattern("example\\.test\\.\\s+120\\s+IN\\s+SOA");
        String ent = dig(port, "+norec", "in-addr.example.test", "A");
        assertThat(ent).contains("status: NOERROR").contains("ANSWER: 0, AUTHORITY: 1");
    }

    @Test
    void delegatedNamesGetAReferralWithGlue() {
        String r = dig(port, "+norec", "www.shop.example.test", "A");
        assertThat(r).contains("status: NOERROR").contains("flags: qr;").contains("ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 2");
        assertThat(r).containsPattern("shop\\.example\\.test\\.\\s+300\\s+IN\\s+NS\\s+ns1\\.shop\\.example\\.test\\.");
        assertThat(r).containsPattern("ns1\\.shop\\.example\\.test\\.\\s+300\\s+IN\\s+A\\s+192\\.0\\.2\\.99");
    }

    @Test
    void namesInNoZoneAreRefused() {
        assertThat(dig(port, "www.example.org", "A")).contains("status: REFUSED");
        assertThat(kdig(port, "example.test", "CH", "TXT")).contains("status: REFUSED");
    }

    @Test
    void theQueryCaseIsKept() {
        assertThat(dig(port, "+noall", "+answer", "ApI.ExAmPlE.TeSt", "AAAA")).contains("ApI.ExAmPlE.TeSt.");
    }

    @Test
    void aTruncatedAnswerIsRetriedOverTcpByTheClient() {
        String udp = dig(port, "+noedns", "+norec", "+ignore", "big.example.test", "TXT");
        assertThat(udp).contains("flags: qr aa tc;").contains("ANSWER: 0");
        String retried = dig(port, "+noedns", "big.example.test", "TXT");
        assertThat(retried).contains("Truncated, retrying in TCP mode").contains("ANSWER: 12");
        assertThat(kdig(port, "+tcp", "big.example.test", "TXT")).contains("ANSWER: 12");
    }

    @Test
    void ednsIsAnsweredWithOurPayloadSizeBadversAndIgnoredOptions() {
        assertThat(dig(port, "+bufsize=4096", "api.example.test")).contains("EDNS: version: 0, flags:; udp: 1232");
        assertThat(dig(port, "+edns=1", "+noednsnegotiation", "api.example.test")).contains("status: BADVERS");
        assertThat(dig(port, "+ednsopt=65001:abcd", "api.example.test")).contains("status: NOERROR").contains("ANSWER: 2");
        assertThat(kdig(port, "+nsid", "api.example.test")).contains("status: NOERROR");
    }

    @Test
    void unknownOpcodesAreNotImplemented() {
        assertThat(dig(port, "+opcode=2", "api.example.test")).contains("status: NOTIMP");
        assertThat(dig(port, "+opcode=5", "example.test", "SOA")).contains("status: NOTIMP");
    }

    @Test
    void tcpAnswersPipelinedQueriesInOrder() {
        String out = kdig(port, "+tcp", "+keepopen", "api.example.test", "A", "mail.example.test", "A", "nothing.example.test", "A");
        assertThat(out.indexOf("192.0.2.10")).isPositive().isLessThan(out.indexOf("192.0.2.25"));
        assertThat(out).contains("NXDOMAIN");
    }

    @Test
    void aNewRevisionIsAnsweredAndItsSerialGrows() {
        long before = serial();
        String next = CONFIG.replace("192.0.2.25", "192.0.2.26");
        server.server().apply(ConfigDocument.parse(next, server.dir()), "test");
        await().atMost(Duration.ofSeconds(5)).until(() -> digShort(port, "mail.example.test", "A").equals(List.of("192.0.2.26")));
        assertThat(serial()).isGreaterThan(before);
        server.server().apply(ConfigDocument.parse(CONFIG, server.dir()), "test");
        await().atMost(Duration.ofSeconds(5)).until(() -> digShort(port, "mail.example.test", "A").equals(List.of("192.0.2.25")));
    }

    private static long serial() {
        return Long.parseLong(digShort(port, "example.test", "SOA").get(0).split(" ")[2]);
    }
}
