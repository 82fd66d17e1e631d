package engawa.dns;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Streams a zone over a TCP connection (RFC 5936): the SOA, every record, the SOA again, in messages of
 * about 16 KiB with name compression, written with back-pressure (the thread waits while the connection is
 * not writable). IXFR (RFC 1995) answers a client already at the current serial with the SOA alone and
 * anyone else with the whole zone, which RFC 1995 allows. Runs on a virtual thread.
 */
final class ZoneTransfer {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneTransfer.class);
    private static final int MESSAGE_BYTES = 16 * 1024;
    private static final int TYPE_IXFR = 251;

    private ZoneTransfer() {
    }

    static void stream(Channel channel, DnsResponder.TransferRequest request, Runnable done) {
        ZoneIndex zone = request.zone();
        try {
            long serial = zone.serial();
            Name origin = ZoneContent.name(zone.name());
            Record question = Record.newRecord(origin, request.qtype(), DClass.IN);
            if (request.qtype() == TYPE_IXFR && request.clientSerial() >= 0 && !newer(serial, request.clientSerial())) {
                List<Record> soaOnly = zone.content().records(serial).subList(0, 1);
                send(channel, message(request.id(), question, soaOnly, 0, 1));
                return;
            }
            List<Record> records = zone.content().records(serial);
            records.add(records.get(0));
            int from = 0;
            int sent = 0;
            while (from < records.size() && channel.isActive()) {
                int to = from;
                int bytes = 0;
                while (to < records.size() && (to == from || bytes < MESSAGE_BYTES)) {
                    Record r = records.get(to++);
                    bytes += r.getName().length() + 10 + r.rdataToWireCanonical().length;
                }
                ChannelFuture f = send(channel, message(request.id(), from == 0 ? question : null, records, from, to));
                sent++;
                if (!channel.isWritable()) {
                    f.awaitUninterruptibly();
                }
                from = to;
            }
            LOG.info("zone {}: transferred serial {} ({} records, {} messages) to {}", zone.name(), serial,
                    records.size(), sent, channel.remoteAddress());
        } catch (RuntimeException e) {
            LOG.warn("zone {}: transfer to {} failed", zone.name(), channel.remoteAddress(), e);
            channel.close();
        } finally {
            done.run();
        }
    }

    private static byte[] message(int id, Record question, List<Record> records, int from, int to) {
        Message m = new Message(id);
        m.getHeader().setFlag(Flags.QR);
        m.getHeader().setFlag(Flags.AA);
        if (question != null) {
            m.addRecord(question, Section.QUESTION);
        }
        for (int i = from; i < to; i++) {
            m.addRecord(records.get(i), Section.ANSWER);
        }
        return m.toWire(Query.MAX_MESSAGE);
    }

    private static ChannelFuture send(Channel channel, byte[] message) {
        ByteBuf buf = channel.alloc().buffer(message.length + 2);
        buf.writeShort(message.length);
        buf.writeBytes(message);
        return channel.writeAndFlush(buf);
    }

    /** RFC 1982 serial arithmetic: whether {@code a} is newer than {@code b}. */
    static boolean newer(long a, long b) {
        long d = (a - b) & 0xFFFFFFFFL;
        return d != 0 && d < 0x80000000L;
    }
}
