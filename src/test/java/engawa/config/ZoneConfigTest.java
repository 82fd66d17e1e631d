package engawa.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Zone validation: every mistake named with its path, the valid forms accepted. */
class ZoneConfigTest {

    private static EngawaConfig read(String records) {
        return EngawaConfig.read(ConfigDocument.parse("""
                edge: {addresses: ["192.0.2.1"]}
                sites: {web: {hosts: [web.test], routes: [{path: /, redirect: {to: "https://x.test/"}}]}}
                zones:
                  example.test:
                    records:
                %s
                """.formatted(records.indent(6)), Path.of("/tmp")));
    }

    private static String errors(String records) {
        try {
            read(records);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the zone to be rejected");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "A not an address | - {name: www, type: A, values: [192.0.2]} | zones.example.test.records[0].values[0]: \"192.0.2\" is not a valid A value: Invalid address: 192.0.2",
            "AAAA not an address | - {name: www, type: AAAA, values: [\"::g\"]} | zones.example.test.records[0].values[0]: \"::g\" is not a valid AAAA value",
            "MX without preference | - {name: \"@\", type: MX, values: [mail.example.test.]} | zones.example.test.records[0].values[0]: \"mail.example.test.\" is not a valid MX value",
            "MX trailing words | - {name: \"@\", type: MX, values: [\"10 mail extra\"]} | zones.example.test.records[0].values[0]: \"10 mail extra\" is not a valid MX value: unexpected tokens at end of record",
            "SRV short | - {name: _x._tcp, type: SRV, values: [\"10 60 sip\"]} | zones.example.test.records[0].values[0]: \"10 60 sip\" is not a valid SRV value",
            "CAA bad flag | - {name: \"@\", type: CAA, values: [\"x issue ca\"]} | zones.example.test.records[0].values[0]: \"x issue ca\" is not a valid CAA value",
            "HTTPS bad key | - {name: \"@\", type: HTTPS, values: [\"1 . nonsense=1\"]} | zones.example.test.records[0].values[0]: \"1 . nonsense=1\" is not a valid HTTPS value",
            "CNAME bad name | - {name: a, type: CNAME, values: [\"b..c\"]} | zones.example.test.records[0].values[0]: \"b..c\" is not a valid CNAME value",
            "owner outside | - {name: www.other.test., type: A, values: [192.0.2.1]} | zones.example.test.records[0].name: \"www.other.test.\" is outside the zone example.test.",
            "owner not a name | - {name: \"a b\", type: A, values: [192.0.2.1]} | zones.example.test.records[0].name: \"a b\" is not a domain name",
            "unknown type | - {name: www, type: NAPTR, values: [x]} | zones.example.test.records[0].type: \"NAPTR\" is not a record type Engawa serves",
            "SOA in records | - {name: \"@\", type: SOA, values: [x]} | zones.example.test.records[0].type: the SOA comes from the zone's soa: settings",
            "ALIAS to unknown site | - {name: www, type: ALIAS, site: nope} | zones.example.test.records[0].site: no site named \"nope\"",
            "ALIAS with values | - {name: www, type: ALIAS, site: web, values: [x]} | zones.example.test.records[0].values: an ALIAS record has a site, not values",
            "no values | - {name: www, type: A, values: []} | zones.example.test.records[0].values: a A record needs at least one value",
            "wildcard NS | - {name: \"*.x\", type: NS, values: [ns1.example.test.]} | zones.example.test.records[0].name: a wildcard cannot be a delegation",
    })
    void aBadRecordIsNamedWithItsPath(String what, String records, String expected) {
        assertThat(errors(records)).startsWith(expected);
    }

    @Test
    void aZoneOfTensOfThousandsOfRecordsIsReadFromYaml() {
        // 60,000 records make a document of about 4 MiB, over SnakeYAML's default limit of 3 MiB.
        StringBuilder records = new StringBuilder();
        for (int i = 0; i < 60_000; i++) {
            records.append("- {name: host-").append(i).append(", type: TXT, values: [\"text of host ").append(i).append("\"]}\n");
        }
        assertThat(records.length()).isGreaterThan(3 << 20);
        assertThat(read(records.toString()).zones().get("example.test.").records()).hasSize(60_000);
    }

    @Test
    void aCnameExcludesOtherDataAtItsName() {
        assertThat(errors("""
                - {name: www, type: CNAME, values: [web.test.]}
                - {name: www, type: TXT, values: [hello]}
                """)).isEqualTo("zones.example.test.records[0]: a CNAME excludes every other record at its name, "
                + "and www.example.test. has TXT at zones.example.test.records[1]");
        assertThat(errors("- {name: www, type: CNAME, values: [a.test., b.test.]}"))
                .isEqualTo("zones.example.test.records[0].values: a CNAME has exactly one value");
        assertThat(errors("- {name: \"@\", type: CNAME, values: [a.test.]}"))
                .isEqualTo("zones.example.test.records[0]: the zone apex cannot have a CNAME (it has the SOA and NS records); use ALIAS");
    }

    @Test
    void anAliasExcludesAddressesAtItsName() {
        assertThat(errors("""
                - {name: www, type: ALIAS, site: web}
                - {name: www, type: A, values: [192.0.2.9]}
                """)).isEqualTo("zones.example.test.records[0]: an ALIAS answers A and AAAA at www.example.test., which also has A "
                + "at zones.example.test.records[1]: keep one or the other");
    }

    @Test
    void aRecordSetHasOneTtl() {
        assertThat(errors("""
                - {name: www, type: A, ttl: 60, values: [192.0.2.1]}
                - {name: www, type: A, ttl: 120, values: [192.0.2.2]}
                """)).isEqualTo("zones.example.test.records[1].ttl: a record set has one TTL: www.example.test. A has 60 at "
                + "zones.example.test.records[0] and 120 here");
    }

    @Test
    void dataBelowADelegationIsAWarningExceptGlue() {
        EngawaConfig c = read("""
                - {name: "@", type: NS, values: [ns1.example.test.]}
                - {name: shop, type: NS, values: [ns1.shop]}
                - {name: ns1.shop, type: A, values: [192.0.2.2]}
                - {name: www.shop, type: TXT, values: [hidden]}
                - {name: shop, type: MX, values: ["10 mail.shop"]}
                """);
        List<String> warnings = c.warnings().stream().map(ConfigProblem::toString).toList();
        assertThat(warnings).containsExactly(
                "zones.example.test.records[3]: www.shop.example.test. TXT is not served: below the delegation of "
                        + "shop.example.test. (only its NS records and the A/AAAA glue below it are)",
                "zones.example.test.records[4]: shop.example.test. MX is not served: the delegation of shop.example.test. "
                        + "(only its NS records and the A/AAAA glue below it are)");
    }

    @Test
    void valuesInZoneFileSyntaxAreParsedOnce() {
        EngawaConfig c = read("""
                - {name: "@", type: NS, values: [ns1]}
                - {name: "@", type: MX, values: ["10 mail"]}
                - {name: txt, type: TXT, values: ["%s", "\\"a\\" \\"b\\""]}
                - {name: "*", type: A, values: [192.0.2.3]}
                - {name: sub.*, type: TXT, values: [not-a-wildcard]}
                - {name: svc, type: HTTPS, values: ["1 . alpn=h2 ipv4hint=192.0.2.1"]}
                """.formatted("y".repeat(300)));
        List<ZoneConfig.Record> records = c.zones().get("example.test.").records();
        assertThat(records.get(1).rdata().get(0)).startsWith(0, 10, 4, 'm', 'a', 'i', 'l', 7);
        byte[] txt = records.get(2).rdata().get(0);
        assertThat(txt).hasSize(302);
        assertThat(txt[0] & 0xff).isEqualTo(255);
        assertThat(txt[256] & 0xff).isEqualTo(45);
        assertThat(records.get(2).rdata().get(1)).containsExactly(1, 'a', 1, 'b');
        assertThat(c.warnings()).isEmpty();
    }
}
