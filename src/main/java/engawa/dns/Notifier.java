package engawa.dns;

import engawa.config.BindAddress;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * NOTIFY (RFC 1996) to a zone's secondaries ({@code transfer.notify}) when its serial changes: over UDP,
 * with the new SOA in the answer section, retried after 1, 2 and 4 seconds until the secondary answers.
 * Runs on virtual threads; a secondary that never answers costs a log line.
 */
final class Notifier {
    private static final Logger LOG = LoggerFactory.getLogger(Notifier.class);
    private static final int ATTEMPTS = 4;

    private Notifier() {
    }

    static void notifyAll(ZoneIndex zone, ExecutorService blocking) {
        for (String target : zone.config().transfer().notifyTargets()) {
            blocking.execute(() -> send(zone, target));
        }
    }

    /** Sends NOTIFY for {@code zone} to {@code target} (HOST:PORT); true when the secondary acknowledged it. */
    static boolean send(ZoneIndex zone, String target) {
        Name origin = ZoneContent.name(zone.name());
        Message m = new Message();
        m.getHeader().setOpcode(Opcode.NOTIFY);
        m.getHeader().setFlag(Flags.AA);
        m.addRecord(Record.newRecord(origin, Type.SOA, DClass.IN), Section.QUESTION);
        m.addRecord(Record.newRecord(origin, Type.SOA, DClass.IN, zone.config().ttl(),
                ZoneContent.soaRdata(zone.config().soa(), zone.serial())), Section.ANSWER);
        byte[] wire = m.toWire();
        try (DatagramSocket socket = new DatagramSocket()) {
            var address = BindAddress.parse(target).socketAddress();
            byte[] buf = new byte[4096];
            for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
                socket.send(new DatagramPacket(wire, wire.length, address));
                socket.setSoTimeout(1000 << attempt);
                try {
                    while (true) {
                        DatagramPacket reply = new DatagramPacket(buf, buf.length);
                        socket.receive(reply);
                        if (reply.getLength() >= 4 && QueryParser.u16(buf, 0) == m.getHeader().getID()
                                && (buf[2] & 0x80) != 0) {
                            LOG.info("zone {}: NOTIFY for serial {} acknowledged by {}", zone.name(), zone.serial(), target);
                            return true;
                        }
                    }
                } catch (SocketTimeoutException e) {
                    // Not answered in time: send again, waiting twice as long.
                }
            }
            LOG.warn("zone {}: NOTIFY for serial {} to {} not acknowledged after {} attempts", zone.name(), zone.serial(),
                    target, ATTEMPTS);
        } catch (IOException | IllegalArgumentException e) {
            LOG.warn("zone {}: NOTIFY to {} failed: {}", zone.name(), target, e.getMessage());
        }
        return false;
    }
}
