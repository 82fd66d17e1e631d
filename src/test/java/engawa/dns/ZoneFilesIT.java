package engawa.dns;

import static engawa.testing.Dig.dig;
import static engawa.testing.Dig.digShort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.config.ConfigDocument;
import engawa.config.EngawaConfig;
import engawa.config.ZoneConfig;
import engawa.testing.Dig;
import engawa.testing.InProcessCli;
import engawa.testing.TestServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/** {@code engawa zone export|import} against the store of a running server, AXFR, and BIND's zone checker. */
class ZoneFilesIT {
    private TestServer server;
    private int port;
    private Path data;

    @BeforeEach
    void start() {
        server = TestServer.start(ReferenceConfig.yaml());
        port = server.port("dns");
        data = server.dir().resolve("data");
    }

    @AfterEach
    void stop() {
        server.close();
    }


    private String export() {
        var r = InProcessCli.run("zone", "export", "example.test", "--data", data.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        return r.out();
    }

    private static Set<String> records(String zoneText) throws IOException {
        Set<String> out = new TreeSet<>();
        try (Master m = new Master(new ByteArrayInputStream(zoneText.getBytes(StandardCharsets.UTF_8)), Name.root)) {
            Record r;
            while ((r = m.nextRecord()) != null) {
                out.add(r.toString());
            }
        }
        return out;
    }

    @Test
    void theReferenceZoneExportsAsBindAcceptsIt() throws IOException {
        String text = export();
        assertThat(text).contains("$ORIGIN example.test.").contains("; engawa: ALIAS www.example.test. peacock")
                .containsPattern("www\\.example\\.test\\.\\s+300\\s+IN\\s+A\\s+127\\.0\\.0\\.1")
                .doesNotContain("ALIAS\t");
        long serial = Long.parseLong(digShort(port, "example.test", "SOA").get(0).split(" ")[2]);
        assertThat(text).containsPattern("IN\\s+SOA\\s+ns1\\.example\\.test\\. hostmaster\\.example\\.test\\. " + serial + " ");
        Path file = TestServer.write(server.dir(), "example.test.zone", text);
        String check = Dig.run(List.of("named-checkzone", "example.test", file.toString()));
        assertThat(check).contains("loaded serial " + serial).endsWith("OK\n");
    }

    @Test
    void axfrSendsWhatExportWrites() throws IOException {
        String axfr = dig(port, "+nocmd", "+nostats", "+nocomments", "example.test", "AXFR");
        List<String> lines = axfr.lines().filter(l -> !l.isBlank() && !l.startsWith(";")).toList();
        assertThat(lines.get(0)).contains("SOA");
        assertThat(lines.get(lines.size() - 1)).isEqualTo(lines.get(0));
        Set<String> transferred = records(String.join("\n", lines.subList(0, lines.size() - 1)) + "\n");
        assertThat(transferred).isEqualTo(records(export())).hasSizeGreaterThan(15);
    }

    @Test
    void axfrIsRefusedToAddressesNotAllowed() {
        String yaml = ReferenceConfig.yaml().replace("transfer: {allow: [\"127.0.0.0/8\"]}", "transfer: {allow: [\"10.0.0.0/8\"]}");
        server.server().apply(ConfigDocument.parse(yaml, server.dir()), "test");
        assertThat(dig(port, "example.test", "AXFR")).contains("Transfer failed");
        assertThat(dig(port, "+tcp", "+norec", "example.test", "IXFR=1")).contains("Transfer failed");
    }

    @Test
    void exportThenImportIsLosslessAndKeepsTheSerial() {
        String before = digShort(port, "example.test", "SOA").get(0);
        Path file = TestServer.write(server.dir(), "exported.zone", export());
        long revision = server.server().snapshot().revision();
        var imported = InProcessCli.run("zone", "import", "example.test", file.toString(), "--data", data.toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("revision " + (revision + 1) + " stored: zone example.test.");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.server().snapshot().revision() == revision + 1);

        EngawaConfig original = EngawaConfig.read(ConfigDocument.parse(ReferenceConfig.yaml(), server.dir()));
        EngawaConfig now = server.server().snapshot().config();
        assertThat(recordSet(now.zones().get("example.test."))).isEqualTo(recordSet(original.zones().get("example.test.")));
        assertThat(digShort(port, "example.test", "SOA").get(0)).isEqualTo(before);
        assertThat(digShort(port, "www.example.test", "A")).containsExactly("127.0.0.1");

        var again = InProcessCli.run("zone", "import", "example.test", file.toString(), "--data", data.toString());
        assertThat(again.out()).contains("no changes");
    }

    /** A zone's records as comparable text: name, type, TTL, site and wire values (not their spelling). */
    private static Set<String> recordSet(ZoneConfig z) {
        Set<String> out = new TreeSet<>();
        for (ZoneConfig.Record r : z.records()) {
            List<String> values = new ArrayList<>();
            r.rdata().forEach(v -> values.add(HexFormat.of().formatHex(v)));
            values.sort(null);
            out.add(r.name() + " " + r.type() + " " + r.ttl() + " " + r.site() + " " + values);
        }
        return out;
    }

    @Test
    void aMasterFileWithIncludesAndRelativeNamesIsServedWithinASecond() {
        TestServer.write(server.dir(), "zones/more.zone", """
                _sip._tcp   IN SRV 10 60 5060 sip
                sip         IN A   192.0.2.60
                """);
        Path file = TestServer.write(server.dir(), "zones/example.zone", """
                $ORIGIN example.test.
                $TTL 600
                @       IN SOA ns1 hostmaster (
                                2024010101 ; the file's serial, not used
                                7200 900 1209600 60 )
                        IN NS  ns1
                ns1     IN A   192.0.2.53
                www  60 IN A   192.0.2.1
                        60 IN A   192.0.2.2
                long    IN TXT ( "part one"
                                 "part two" )
                $INCLUDE more.zone
                """);
        long revision = server.server().snapshot().revision();
        var r = InProcessCli.run("zone", "import", "example.test", file.toString(), "--data", data.toString());
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("read " + file + ": 8 records in 6 record sets").contains("the file's serial 2024010101 is not used");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.server().snapshot().revision() > revision);
        assertThat(digShort(port, "www.example.test", "A")).containsExactlyInAnyOrder("192.0.2.1", "192.0.2.2");
        assertThat(digShort(port, "_sip._tcp.example.test", "SRV")).containsExactly("10 60 5060 sip.example.test.");
        assertThat(digShort(port, "long.example.test", "TXT")).containsExactly("\"part one\" \"part two\"");
        assertThat(dig(port, "+noall", "+answer", "ns1.example.test", "A")).containsPattern("\\s600\\s+IN\\s+A");
        assertThat(digShort(port, "example.test", "SOA").get(0)).endsWith(" 7200 900 1209600 60");
        assertThat(digShort(port, "api.example.test", "A")).isEmpty();
    }

    @Test
    void aBadMasterFileChangesNothing() {
        long revision = server.server().snapshot().revision();
        Path file = TestServer.write(server.dir(), "bad.zone", """
                $ORIGIN example.test.
                @ 300 IN SOA ns1 hostmaster 1 3600 600 604800 60
                www 300 IN A 300.1.2.3
                """);
        var r = InProcessCli.run("zone", "import", "example.test", file.toString(), "--data", data.toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(file.toString()).contains("300.1.2.3");
        Path outside = TestServer.write(server.dir(), "outside.zone", """
                $ORIGIN example.test.
                @ 300 IN SOA ns1 hostmaster 1 3600 600 604800 60
                www.example.org. 300 IN A 192.0.2.1
                """);
        assertThat(InProcessCli.run("zone", "import", "example.test", outside.toString(), "--data", data.toString()).err())
                .contains("www.example.org. A is outside the zone example.test.");
        Path naptr = TestServer.write(server.dir(), "naptr.zone", """
                $ORIGIN example.test.
                @ 300 IN SOA ns1 hostmaster 1 3600 600 604800 60
                @ 300 IN NAPTR 100 10 "u" "E2U+sip" "!^.*$!sip:info@example.test!" .
                """);
        assertThat(InProcessCli.run("zone", "import", "example.test", naptr.toString(), "--data", data.toString()).err())
                .contains("records of types Engawa does not serve: 1 NAPTR (--skip-unsupported leaves them out)");
        assertThat(server.server().store().latestId()).isEqualTo(revision);
    }
}
