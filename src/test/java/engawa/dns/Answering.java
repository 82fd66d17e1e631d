package engawa.dns;

import engawa.config.ConfigDocument;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotCompiler;
import engawa.snapshot.SnapshotHolder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/**
 * The answer logic without sockets: a document compiled into a snapshot and a {@link DnsResponder}, fed
 * wire messages and returning the wire answer parsed by dnsjava. The in-memory twin of a running server.
 */
final class Answering implements AutoCloseable {
    static final InetAddress CLIENT = InetAddress.getLoopbackAddress();
    /** What {@link #answer} returns for an AXFR/IXFR over TCP: a transfer to stream, not one response. */
    static final byte[] TRANSFER = new byte[0];

    private final Services services = Services.dry(null, null);
    private final DnsResponder responder;
    private final SnapshotHolder holder;

    Answering(String yaml) {
        var compiled = new SnapshotCompiler(services).compile(ConfigDocument.parse(yaml, Path.of(".")), 7);
        holder = new SnapshotHolder(compiled.snapshot());
        responder = new DnsResponder(holder, new DnsMeters(services.meters()));
    }

    DnsResponder responder() {
        return responder;
    }

    DnsIndex index() {
        return holder.get().dns();
    }

    io.micrometer.core.instrument.MeterRegistry meters() {
        return services.meters();
    }

    /** A query for {@code name}/{@code type}, with EDNS(0) advertising 1232 bytes when {@code edns}. */
    static byte[] query(String name, int type, boolean edns) {
        Message m = Message.newQuery(Record.newRecord(name(name), type, DClass.IN));
        if (edns) {
            m.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        }
        return m.toWire();
    }

    Message ask(String name, int type) {
        return parse(answer(query(name, type, true), false));
    }

    /** The raw answer to {@code wire} over UDP or TCP (without the TCP length prefix), or null when dropped. */
    byte[] answer(byte[] wire, boolean tcp) {
        ByteBuf in = Unpooled.wrappedBuffer(wire);
        DnsResponder.Outcome out = new DnsResponder.Outcome();
        responder.respond(in, 0, wire.length, CLIENT, tcp, PooledByteBufAllocator.DEFAULT, out);
        in.release();
        if (out.transfer != null) {
            return TRANSFER;
        }
        if (out.response == null) {
            return null;
        }
        try {
            if (tcp) {
                out.response.skipBytes(2);
            }
            byte[] bytes = new byte[out.response.readableBytes()];
            out.response.readBytes(bytes);
            return bytes;
        } finally {
            out.response.release();
        }
    }

    static Message parse(byte[] wire) {
        try {
            return new Message(wire);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Name name(String s) {
        try {
            return Name.fromString(s);
        } catch (TextParseException e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    @Override
    public void close() {
        services.close();
    }
}
