package engawa.dns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import engawa.testing.TestServer;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/**
 * Random and mutated messages against the parser and answer logic, and against a running listener. CI runs
 * the committed seed corpus (src/test/resources/engawa/dns/DnsFuzzTestInputs) in regression mode; with
 * {@code JAZZER_FUZZ=1} Jazzer mutates from it for {@code maxDuration} (set {@code jazzer.hooks=true} in
 * junit-platform.properties for that run, or it has no coverage to guide it).
 */
class DnsFuzzTest {
    private static Answering answering;
    private static TestServer server;
    private static DatagramSocket client;

    @BeforeAll
    static void start() throws IOException {
        answering = new Answering(ReferenceConfig.yaml());
        server = TestServer.start(DnsListenerIT.CONFIG);
        client = new DatagramSocket();
        client.setSoTimeout(5000);
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
        answering.close();
    }

    /** Whatever the bytes, answering returns a well-formed response to the same id, or nothing; never throws. */
    @FuzzTest(maxDuration = "30s")
    void anyMessageGetsAWellFormedAnswerOrNone(byte[] input) throws IOException {
        for (boolean tcp : new boolean[] {false, true}) {
            byte[] out = answering.answer(input, tcp);
            if (out == Answering.TRANSFER) {
                assertThat(tcp).isTrue();
                continue;
            }
            if (out == null) {
                assertThat(input.length < 12 || (input[2] & 0x80) != 0).as("only runts and responses are dropped").isTrue();
                continue;
            }
            Message m = new Message(out);
            assertThat(m.getHeader().getID()).isEqualTo(((input[0] & 0xff) << 8) | (input[1] & 0xff));
            assertThat(m.getHeader().getFlag(Flags.QR)).isTrue();
            if (!tcp) {
                assertThat(out.length).isLessThanOrEqualTo(1232);
            }
        }
    }

    /** Whatever a client sends over UDP or TCP, the listener answers the next good query. */
    @FuzzTest(maxDuration = "30s")
    void aRunningListenerSurvivesAnyInput(byte[] input) throws IOException {
        int port = server.port("dns");
        InetAddress lo = InetAddress.getLoopbackAddress();
        client.send(new DatagramPacket(input, input.length, lo, port));
        try (Socket s = new Socket(lo, port)) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(Math.min(input.length, 65535));
            out.write(input, 0, Math.min(input.length, 65535));
            out.flush();
        }
        byte[] query = Answering.query("www.example.test.", Type.A, true);
        int id = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
        client.send(new DatagramPacket(query, query.length, lo, port));
        byte[] buf = new byte[4096];
        while (true) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                client.receive(p);
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the listener stopped answering after " + Arrays.toString(input), e);
            }
            Message m = new Message(Arrays.copyOf(buf, p.getLength()));
            if (m.getHeader().getID() == id && m.getSection(1).size() > 0) {
                assertThat(m.getSection(1).get(0).rdataToString()).isEqualTo("192.0.2.80");
                return;
            }
        }
    }
}
