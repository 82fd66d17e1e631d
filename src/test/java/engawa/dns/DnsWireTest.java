package engawa.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The wire at the edges: malformed input, EDNS(0), truncation, header flags and opcodes (RFC 6891, 8906). */
class DnsWireTest {
    private static Answering dns;

    @BeforeAll
    static void compile() {
        StringBuilder yaml = new StringBuilder("""
                zones:
                  example.test:
                    ttl: 300
                    transfer: {allow: ["127.0.0.0/8"]}
                    records:
                      - {name: "@", type: NS, values: [ns1]}
                      - {name: ns1, type: A, values: [192.0.2.53]}
                      - {name: "@", type: MX, values: ["10 mx1", "20 mx2", "30 mx3", "40 mx4", "50 mx5"]}
                      - {name: www, type: A, values: [192.0.2.1]}
                      - {name: big, type: TXT, values: [
                """);
        for (int i = 0; i < 10; i++) {
            yaml.append(i == 0 ? "" : ", ").append("\"").append(String.valueOf((char) ('a' + i)).repeat(100)).append("\"");
        }
        yaml.append("]}\n");
        for (int m = 1; m <= 5; m++) {
            List<String> addresses = new ArrayList<>();
            for (int i = 1; i <= 10; i++) {
                addresses.add("192.0." + m + "." + i);
            }
            yaml.append("      - {name: mx").append(m).append(", type: A, values: [").append(String.join(", ", addresses)).append("]}\n");
        }
        List<String> servers = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            servers.add("ns" + i + ".deleg");
            yaml.append("      - {name: ns").append(i).append(".deleg, type: A, values: [198.51.100.").append(i).append("]}\n");
        }
        yaml.append("      - {name: deleg, type: NS, values: [").append(String.join(", ", servers)).append("]}\n");
        dns = new Answering(yaml.toString());
    }

    @AfterAll
    static void close() {
        dns.close();
    }

    @Test
    void theQueryNameKeepsTheClientsCase() {
        Message m = dns.ask("WwW.ExAmPlE.TeSt.", Type.A);
        assertThat(m.getQuestion().getName().toString()).isEqualTo("WwW.ExAmPlE.TeSt.");
        assertThat(m.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("WwW.ExAmPlE.TeSt.");
        assertThat(m.getSection(Section.ANSWER).get(0).rdataToString()).isEqualTo("192.0.2.1");
    }

    @Test
    void namesAreCompressed() {
        byte[] wire = dns.answer(Answering.query("example.test.", Type.MX, false), false);
        Message m = Answering.parse(wire);
        assertThat(m.getSection(Section.ANSWER)).hasSize(5);
        // Owners point at the question (0xC00C); each exchange ends in a pointer to the zone name.
        assertThat(HexFormat.of().formatHex(wire)).contains("c00c000f0001");
        int uncompressed = 12 + 18 + 5 * (14 + 10 + 2 + 18);
        assertThat(wire.length).isLessThan(uncompressed - 5 * 13);
    }

    @Test
    void anAnswerTooBigForUdpIsTruncatedAndWholeOverTcp() {
        byte[] plain = dns.answer(Answering.query("big.example.test.", Type.TXT, false), false);
        Message udp = Answering.parse(plain);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.getSection(Section.ANSWER)).isEmpty();
        assertThat(plain.length).isLessThanOrEqualTo(512);

        Message edns = Answering.parse(dns.answer(Answering.query("big.example.test.", Type.TXT, true), false));
        assertThat(edns.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(edns.getSection(Section.ANSWER)).hasSize(10);

        Message tcp = Answering.parse(dns.answer(Answering.query("big.example.test.", Type.TXT, false), true));
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(10);
    }

    @Test
    void optionalAdditionalRecordsGoFirstWithoutTruncation() {
        byte[] wire = dns.answer(Answering.query("example.test.", Type.MX, false), false);
        Message m = Answering.parse(wire);
        assertThat(m.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(m.getSection(Section.ANSWER)).hasSize(5);
        assertThat(m.getSection(Section.ADDITIONAL)).isEmpty();
        Message tcp = Answering.parse(dns.answer(Answering.query("example.test.", Type.MX, false), true));
        assertThat(tcp.getSection(Section.ADDITIONAL)).hasSize(50);
    }

    @Test
    void aReferralWhoseGlueDoesNotFitIsTruncated() {
        Message m = Answering.parse(dns.answer(Answering.query("x.deleg.example.test.", Type.A, false), false));
        assertThat(m.getHeader().getFlag(Flags.TC)).isTrue();
        Message tcp = Answering.parse(dns.answer(Answering.query("x.deleg.example.test.", Type.A, false), true));
        assertThat(tcp.getSection(Section.AUTHORITY)).hasSize(20);
        assertThat(tcp.getSection(Section.ADDITIONAL)).hasSize(20);
        assertThat(tcp.getHeader().getFlag(Flags.AA)).isFalse();
    }

    @Test
    void ednsIsEchoedWithOurPayloadSizeAndDoCleared() {
        Message q = Message.newQuery(Record.newRecord(Answering.name("www.example.test."), Type.A, DClass.IN));
        q.addRecord(new OPTRecord(4096, 0, 0, Flags.DO, List.of(new GenericEDNSOption(65001, new byte[] {1, 2}))),
                Section.ADDITIONAL);
        Message m = Answering.parse(dns.answer(q.toWire(), false));
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        OPTRecord opt = m.getOPT();
        assertThat(opt).isNotNull();
        assertThat(opt.getPayloadSize()).isEqualTo(1232);
        assertThat(opt.getVersion()).isZero();
        assertThat(opt.getFlags() & Flags.DO).isZero();
        assertThat(opt.getOptions()).isEmpty();
    }

    @Test
    void anotherEdnsVersionIsBadvers() {
        Message q = Message.newQuery(Record.newRecord(Answering.name("www.example.test."), Type.A, DClass.IN));
        q.addRecord(new OPTRecord(1232, 0, 1), Section.ADDITIONAL);
        Message m = Answering.parse(dns.answer(q.toWire(), false));
        assertThat(m.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(m.getOPT().getVersion()).isZero();
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
    }

    @Test
    void unknownFlagsAreClearedAndRdCdCopied() {
        byte[] q = Answering.query("www.example.test.", Type.A, false);
        q[2] |= 0x01; // RD
        q[3] |= 0x40 | 0x20 | 0x10; // Z, AD, CD
        byte[] wire = dns.answer(q, false);
        assertThat(wire[3] & 0x40).as("Z").isZero();
        Message m = Answering.parse(wire);
        assertThat(m.getHeader().getFlag(Flags.RD)).isTrue();
        assertThat(m.getHeader().getFlag(Flags.CD)).isTrue();
        assertThat(m.getHeader().getFlag(Flags.AD)).isFalse();
        assertThat(m.getHeader().getFlag(Flags.RA)).isFalse();
        assertThat(m.getSection(Section.ANSWER)).hasSize(1);
    }

    static Stream<Arguments> opcodes() {
        return Stream.of(Arguments.of(Opcode.IQUERY), Arguments.of(Opcode.STATUS), Arguments.of(Opcode.NOTIFY),
                Arguments.of(Opcode.UPDATE), Arguments.of(3), Arguments.of(15));
    }

    @ParameterizedTest
    @MethodSource("opcodes")
    void opcodesOtherThanQueryAreNotImplemented(int opcode) {
        byte[] q = Answering.query("www.example.test.", Type.SOA, false);
        q[2] = (byte) ((q[2] & 0x87) | (opcode << 3));
        Message m = Answering.parse(dns.answer(q, false));
        assertThat(m.getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(m.getHeader().getOpcode()).isEqualTo(opcode);
        assertThat(m.getSection(Section.ANSWER)).isEmpty();
    }

    static Stream<Arguments> typesAndClasses() {
        return Stream.of(
                Arguments.of(Type.A, DClass.CH, Rcode.REFUSED),
                Arguments.of(Type.A, DClass.ANY, Rcode.NOERROR),
                Arguments.of(Type.OPT, DClass.IN, Rcode.FORMERR),
                Arguments.of(Type.TSIG, DClass.IN, Rcode.FORMERR),
                Arguments.of(Type.MAILA, DClass.IN, Rcode.NOTIMP),
                Arguments.of(Type.AXFR, DClass.IN, Rcode.NOTAUTH),
                Arguments.of(65000, DClass.IN, Rcode.NOERROR));
    }

    @ParameterizedTest
    @MethodSource("typesAndClasses")
    void metaTypesAndOtherClasses(int type, int dclass, int rcode) {
        Message q = Message.newQuery(Record.newRecord(Answering.name("www.example.test."), type, dclass));
        assertThat(Answering.parse(dns.answer(q.toWire(), false)).getRcode()).isEqualTo(rcode);
    }

    @Test
    void transfersOverUdp() {
        Message axfr = Answering.parse(dns.answer(Answering.query("example.test.", Type.AXFR, false), false));
        assertThat(axfr.getRcode()).isEqualTo(Rcode.FORMERR);
        Message ixfr = Answering.parse(dns.answer(Answering.query("example.test.", Type.IXFR, false), false));
        assertThat(ixfr.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(ixfr.getSection(Section.ANSWER)).singleElement().extracting(Record::getType).isEqualTo(Type.SOA);
    }

    /** Raw messages: a header (id 0x1234, RD) with the given counts, then the given bytes. */
    private static byte[] raw(int qd, int an, int ns, int ar, String hexBody) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] header = {0x12, 0x34, 0x01, 0x00, 0, (byte) qd, 0, (byte) an, 0, (byte) ns, 0, (byte) ar};
        out.writeBytes(header);
        out.writeBytes(HexFormat.of().parseHex(hexBody));
        return out.toByteArray();
    }

    private static final String WWW = "03777777076578616d706c650474657374000001" + "0001";

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("no question", raw(0, 0, 0, 0, "")),
                Arguments.of("two questions", raw(2, 0, 0, 0, WWW + WWW)),
                Arguments.of("label of 64", raw(1, 0, 0, 0, "40" + "61".repeat(64) + "0000010001")),
                Arguments.of("pointer in the question", raw(1, 0, 0, 0, "c00c00010001")),
                Arguments.of("label type 0x40", raw(1, 0, 0, 0, "4100010001")),
                Arguments.of("question cut short", raw(1, 0, 0, 0, "03777777076578616d70")),
                Arguments.of("no type and class", raw(1, 0, 0, 0, "03777777076578616d706c650474657374000001")),
                Arguments.of("trailing garbage", raw(1, 0, 0, 0, WWW + "deadbeef")),
                Arguments.of("promised answer missing", raw(1, 1, 0, 0, WWW)),
                Arguments.of("record overruns", raw(1, 1, 0, 0, WWW + "c00c000100010000012c00ff0102")),
                Arguments.of("forward pointer", raw(1, 1, 0, 0, WWW + "c0ff000100010000012c0000")),
                Arguments.of("self pointer loop", raw(1, 1, 0, 0, WWW + "c022000100010000012c0000")),
                Arguments.of("two OPT", raw(1, 0, 0, 2, WWW + "0000291000000000000000" + "0000291000000000000000")),
                Arguments.of("OPT not at the root", raw(1, 0, 0, 1, WWW + "c00c00291000000000000000")),
                Arguments.of("option overruns OPT", raw(1, 0, 0, 1, WWW + "000029100000000000000600010008aabb")),
                Arguments.of("name longer than 255", raw(1, 0, 0, 0, ("3f" + "61".repeat(63)).repeat(4) + "0000010001")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedMessagesGetFormerr(String what, byte[] wire) {
        byte[] answer = dns.answer(wire, false);
        assertThat(answer).as(what).isNotNull();
        assertThat(answer[0]).isEqualTo((byte) 0x12);
        assertThat(answer[1]).isEqualTo((byte) 0x34);
        assertThat(answer[3] & 0x0F).as(what).isEqualTo(Rcode.FORMERR);
        assertThat(answer[2] & 0x80).isEqualTo(0x80);
    }

    @Test
    void responsesAndRuntsAreDropped() {
        assertThat(dns.answer(new byte[11], false)).isNull();
        byte[] response = Answering.query("www.example.test.", Type.A, false);
        response[2] |= (byte) 0x80;
        assertThat(dns.answer(response, false)).isNull();
    }

    @Test
    void unknownEdnsOptionsAreIgnored() {
        Message q = Message.newQuery(Record.newRecord(Answering.name("www.example.test."), Type.A, DClass.IN));
        List<EDNSOption> options = List.of(new GenericEDNSOption(12345, new byte[8]), new GenericEDNSOption(10, new byte[8]));
        q.addRecord(new OPTRecord(1232, 0, 0, 0, options), Section.ADDITIONAL);
        Message m = Answering.parse(dns.answer(q.toWire(), false));
        assertThat(m.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(m.getSection(Section.ANSWER)).hasSize(1);
    }
}
