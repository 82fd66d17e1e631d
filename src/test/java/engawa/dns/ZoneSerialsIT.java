package engawa.dns;

import static engawa.testing.Dig.digShort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.config.ConfigDocument;
import engawa.server.EngawaServer;
import engawa.testing.PostgresServer;
import engawa.testing.TestServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** SOA serials: kept by Engawa, growing with every change, the same after a restart and on every node. */
class ZoneSerialsIT {
    private static final String CONFIG = """
            listen: {dns: "127.0.0.1:0"}
            sites: {a: {hosts: [a.test], routes: [{path: /, redirect: {to: "https://SITE.test/"}}]}}
            zones:
              example.test:
                transfer: {notify: [NOTIFY]}
                records:
                  - {name: "@", type: NS, values: [ns1]}
                  - {name: ns1, type: A, values: [ADDRESS]}
            """;

    private static String config(String address, String site, int notifyPort) {
        String c = CONFIG.replace("ADDRESS", address).replace("SITE", site);
        return notifyPort > 0 ? c.replace("NOTIFY", "127.0.0.1:" + notifyPort) : c.replace("transfer: {notify: [NOTIFY]}", "ttl: 3600");
    }

    private static long serial(int port) {
        return Long.parseLong(digShort(port, "example.test", "SOA").get(0).split(" ")[2]);
    }

    @Test
    void theSerialGrowsOnlyWhenTheZoneChangesAndSurvivesARestart() throws IOException {
        Path dir = TestServer.newDir();
        Path file = dir.resolve("engawa.yaml");
        Files.writeString(file, config("192.0.2.1", "one", 0));
        long first;
        long second;
        try (EngawaServer s = EngawaServer.start(new EngawaServer.Options(file, dir.resolve("data"), null, 1))) {
            int port = s.port("dns");
            first = serial(port);
            s.apply(ConfigDocument.parse(config("192.0.2.1", "two", 0), dir), "a site change, not a zone change");
            assertThat(serial(port)).isEqualTo(first);
            s.apply(ConfigDocument.parse(config("192.0.2.2", "two", 0), dir), "a zone change");
            second = serial(port);
            assertThat(second).isGreaterThan(first);
        }
        try (EngawaServer s = EngawaServer.start(new EngawaServer.Options(null, dir.resolve("data"), null, 1))) {
            assertThat(serial(s.port("dns"))).isEqualTo(second);
        }
    }

    @Test
    void nodesSharingAStoreServeTheSameSerial() throws IOException {
        try (PostgresServer pg = PostgresServer.start()) {
            Path dir = TestServer.newDir();
            Path file = dir.resolve("engawa.yaml");
            Files.writeString(file, config("192.0.2.1", "one", 0));
            try (EngawaServer a = EngawaServer.start(new EngawaServer.Options(file, dir.resolve("a"), pg.jdbcUrl(), 1));
                 EngawaServer b = EngawaServer.start(new EngawaServer.Options(null, dir.resolve("b"), pg.jdbcUrl(), 1))) {
                assertThat(serial(b.port("dns"))).isEqualTo(serial(a.port("dns")));
                a.apply(ConfigDocument.parse(config("192.0.2.7", "one", 0), dir), "node a");
                await().atMost(Duration.ofSeconds(5)).until(() -> digShort(b.port("dns"), "ns1.example.test", "A").contains("192.0.2.7"));
                assertThat(serial(b.port("dns"))).isEqualTo(serial(a.port("dns"))).isEqualTo(a.snapshot().revision());
            }
        }
    }

    @Test
    void secondariesGetANotifyWhenTheSerialChanges() throws IOException {
        try (DatagramSocket secondary = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            secondary.setSoTimeout(10_000);
            try (TestServer t = TestServer.start(config("192.0.2.1", "one", secondary.getLocalPort()))) {
                Message first = receiveNotify(secondary);
                assertThat(soaSerial(first)).isEqualTo(serial(t.port("dns")));
                t.server().apply(ConfigDocument.parse(config("192.0.2.9", "one", secondary.getLocalPort()), t.dir()), "change");
                Message second = receiveNotify(secondary);
                assertThat(soaSerial(second)).isGreaterThan(soaSerial(first)).isEqualTo(serial(t.port("dns")));
            }
        }
    }

    /** Waits for a NOTIFY, checks it, and acknowledges it as a secondary would. */
    private static Message receiveNotify(DatagramSocket socket) throws IOException {
        byte[] buf = new byte[4096];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no NOTIFY within 10 s", e);
        }
        Message m = new Message(Arrays.copyOf(buf, p.getLength()));
        assertThat(m.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
        assertThat(m.getQuestion().getName().toString()).isEqualTo("example.test.");
        assertThat(m.getQuestion().getType()).isEqualTo(Type.SOA);
        Message ack = new Message(m.getHeader().getID());
        ack.getHeader().setOpcode(Opcode.NOTIFY);
        ack.getHeader().setFlag(org.xbill.DNS.Flags.QR);
        ack.addRecord(m.getQuestion(), Section.QUESTION);
        byte[] wire = ack.toWire();
        socket.send(new DatagramPacket(wire, wire.length, p.getSocketAddress()));
        return m;
    }

    private static long soaSerial(Message m) {
        return ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
    }
}
