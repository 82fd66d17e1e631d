package engawa.http.fastcgi;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.CorruptedFrameException;
import java.util.List;

/**
 * Splits the bytes a FastCGI server sends into {@link Record}s, padding dropped. A record is emitted
 * whole once it has arrived (at most 64 KiB of content); its content is a slice of what was read, with
 * its own reference. A header with another version than 1 is a protocol error: the connection is not
 * FastCGI (or lost its framing) and fails. Runs on the upstream connection's event loop.
 */
final class RecordDecoder extends ByteToMessageDecoder {

    /** One record: {@code type}, the request id, and the content, which the reader releases. */
    static final class Record extends DefaultByteBufHolder {
        final int type;
        final int requestId;

        Record(int type, int requestId, ByteBuf content) {
            super(content);
            this.type = type;
            this.requestId = requestId;
        }

        @Override
        public String toString() {
            return Records.typeName(type) + " #" + requestId + " (" + content().readableBytes() + " bytes)";
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.readableBytes() >= Records.HEADER_LENGTH) {
            int at = in.readerIndex();
            int version = in.getUnsignedByte(at);
            if (version != Records.VERSION) {
                in.skipBytes(in.readableBytes());
                throw new CorruptedFrameException("FastCGI record version " + version + ", expected 1");
            }
            int type = in.getUnsignedByte(at + 1);
            int requestId = in.getUnsignedShort(at + 2);
            int length = in.getUnsignedShort(at + 4);
            int padding = in.getUnsignedByte(at + 6);
            if (in.readableBytes() < Records.HEADER_LENGTH + length + padding) {
                return;
            }
            in.skipBytes(Records.HEADER_LENGTH);
            ByteBuf content = in.readRetainedSlice(length);
            in.skipBytes(padding);
            out.add(new Record(type, requestId, content));
        }
    }
}
