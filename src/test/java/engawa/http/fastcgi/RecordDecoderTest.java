package engawa.http.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {

    private static ByteBuf record(int type, int id, String content, int padding) {
        byte[] c = content.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuf b = Unpooled.buffer();
        Records.writeHeader(b, type, id, c.length, padding);
        b.writeBytes(c);
        b.writeZero(padding);
        return b;
    }

    @Test
    void recordsSplitAnywhereComeOutWholeWithoutPadding() {
        ByteBuf all = Unpooled.buffer();
        all.writeBytes(record(Records.STDOUT, 1, "Status: 200\r\n\r\nhello", 3));
        all.writeBytes(record(Records.STDERR, 1, "oops", 4));
        all.writeBytes(record(Records.STDOUT, 1, "", 0));
        all.writeBytes(record(Records.END_REQUEST, 1, "\0\0\0\0\0\0\0\0", 0));
        byte[] bytes = new byte[all.readableBytes()];
        all.readBytes(bytes);
        for (int step = 1; step <= 9; step++) {
            EmbeddedChannel ch = new EmbeddedChannel(new RecordDecoder());
            for (int i = 0; i < bytes.length; i += step) {
                ch.writeInbound(Unpooled.wrappedBuffer(bytes, i, Math.min(step, bytes.length - i)));
            }
            RecordDecoder.Record out = ch.readInbound();
            assertThat(out.type).isEqualTo(Records.STDOUT);
            assertThat(out.requestId).isEqualTo(1);
            assertThat(out.content().toString(StandardCharsets.ISO_8859_1)).isEqualTo("Status: 200\r\n\r\nhello");
            out.release();
            RecordDecoder.Record err = ch.readInbound();
            assertThat(err.content().toString(StandardCharsets.ISO_8859_1)).isEqualTo("oops");
            err.release();
            RecordDecoder.Record end = ch.readInbound();
            assertThat(end.content().readableBytes()).isZero();
            end.release();
            RecordDecoder.Record endRequest = ch.readInbound();
            assertThat(endRequest.type).isEqualTo(Records.END_REQUEST);
            endRequest.release();
            assertThat(ch.finishAndReleaseAll()).isFalse();
        }
    }

    @Test
    void anotherVersionIsAProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new RecordDecoder());
        ByteBuf http = Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\n", StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ch.writeInbound(http)).isInstanceOf(DecoderException.class)
                .hasMessageContaining("FastCGI record version 72");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aStreamIsWrittenInAlignedRecordsOfAtMost65528Bytes() {
        ByteBuf content = Unpooled.wrappedBuffer(new byte[150_000]);
        ByteBuf out = Unpooled.buffer();
        Records.writeStream(out, Records.PARAMS, content);
        EmbeddedChannel ch = new EmbeddedChannel(new RecordDecoder());
        ch.writeInbound(out);
        int total = 0;
        int records = 0;
        RecordDecoder.Record r;
        while ((r = ch.readInbound()) != null) {
            assertThat(r.content().readableBytes()).isLessThanOrEqualTo(Records.MAX_ALIGNED_CONTENT);
            total += r.content().readableBytes();
            records++;
            r.release();
        }
        assertThat(total).isEqualTo(150_000);
        assertThat(records).isEqualTo(3);
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }
}
