package engawa.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Reads the one {@link Hello} a link starts with, or a {@link Refusal} saying why it is not one (wrong magic,
 * unknown version, over {@link TunnelProtocol#MAX_HANDSHAKE}, malformed JSON), as early as the bytes allow.
 * Decodes nothing after the first message: what follows stays buffered for the HTTP/2 codec that replaces
 * this decoder. On the link's event loop.
 */
final class HelloDecoder extends ByteToMessageDecoder {
    private static final int HEAD = TunnelProtocol.MAGIC.length + 3;
    private boolean done;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (done) {
            return;
        }
        int have = Math.min(in.readableBytes(), TunnelProtocol.MAGIC.length);
        for (int i = 0; i < have; i++) {
            if (in.getByte(in.readerIndex() + i) != TunnelProtocol.MAGIC[i]) {
                fail(in, out, "not an Engawa tunnel client (the link starts with ENGT)");
                return;
            }
        }
        if (in.readableBytes() < HEAD) {
            return;
        }
        int version = in.getUnsignedByte(in.readerIndex() + TunnelProtocol.MAGIC.length);
        if (version != TunnelProtocol.VERSION) {
            fail(in, out, "protocol version " + version + " is not spoken here (this edge speaks " + TunnelProtocol.VERSION + ")");
            return;
        }
        int length = in.getUnsignedShort(in.readerIndex() + TunnelProtocol.MAGIC.length + 1);
        if (length > TunnelProtocol.MAX_HANDSHAKE) {
            fail(in, out, "handshake of " + length + " bytes is over the limit of " + TunnelProtocol.MAX_HANDSHAKE);
            return;
        }
        if (in.readableBytes() < HEAD + length) {
            return;
        }
        in.skipBytes(HEAD);
        byte[] json = new byte[length];
        in.readBytes(json);
        done = true;
        try {
            out.add(Handshakes.decodeHello(json));
        } catch (Refusal r) {
            out.add(r);
        }
    }

    private void fail(ByteBuf in, List<Object> out, String why) {
        done = true;
        in.skipBytes(in.readableBytes());
        out.add(new Refusal(Refusal.BAD_HANDSHAKE, why));
    }
}
