package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakesTest {

    @Test
    void aHelloSurvivesTheWireWholeAndDecodesAsItArrives() {
        Hello hello = new Hello("s3cret", "demo", TunnelKind.HTTP, true, "alice:pw", List.of("10.0.0.0/8"));
        ByteBuf wire = Handshakes.encode(ByteBufAllocator.DEFAULT, hello);
        EmbeddedChannel ch = new EmbeddedChannel(new HelloDecoder());
        // Byte by byte: the decoder waits for the whole message.
        while (wire.isReadable()) {
            ch.writeInbound(wire.readRetainedSlice(1));
        }
        wire.release();
        Hello back = ch.readInbound();
        assertThat(back).isEqualTo(hello);
        assertThat(back.toString()).doesNotContain("s3cret").doesNotContain("alice:pw");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void bytesAfterTheHelloStayForTheNextHandler() {
        ByteBuf wire = Handshakes.encode(ByteBufAllocator.DEFAULT, new Hello("t", null, TunnelKind.TCP, false, null, List.of()));
        wire.writeBytes("more".getBytes(StandardCharsets.US_ASCII));
        EmbeddedChannel ch = new EmbeddedChannel(new HelloDecoder());
        ch.writeInbound(wire);
        assertThat((Object) ch.readInbound()).isInstanceOf(Hello.class);
        assertThat((Object) ch.readInbound()).isNull();
        ch.pipeline().removeFirst();
        ByteBuf rest = ch.readInbound();
        assertThat(rest.toString(StandardCharsets.US_ASCII)).isEqualTo("more");
        rest.release();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aWrongStartIsRefusedAtTheFirstByte() {
        EmbeddedChannel ch = new EmbeddedChannel(new HelloDecoder());
        ch.writeInbound(ByteBufUtil.writeAscii(ByteBufAllocator.DEFAULT, "G"));
        Refusal r = ch.readInbound();
        assertThat(r.code()).isEqualTo(Refusal.BAD_HANDSHAKE);
        assertThat(r.getMessage()).contains("not an Engawa tunnel client");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void malformedJsonIsRefusedWithTheReason() {
        // 0
        assertThat(refusal("{\"kind\":\"http\"}")).isEqualTo("malformed handshake: token is required");
        // 1
        assertThat(refusal("{\"token\":\"t\",\"kind\":\"ftp\"}")).isEqualTo("malformed handshake: kind must be http or tcp, got \"ftp\"");
        // 2
        assertThat(refusal("{\"token\":\"t\",\"kind\":\"http\",\"exclusive\":\"yes\"}")).isEqualTo("malformed handshake: exclusive must be true or false");
        // 3
        assertThat(refusal("{\"token\":\"t\",\"kind\":\"http\",\"allow\":[1]}")).startsWith("malformed handshake: allow must be");
        // 4
        assertThat(refusal("not json")).isEqualTo("malformed handshake: not JSON");
    }

    private static String refusal(String json) {
        try {
            Handshakes.decodeHello(json.getBytes(StandardCharsets.UTF_8));
        } catch (Refusal r) {
            return r.getMessage();
        }
        throw new AssertionError("accepted " + json);
    }

    @Test
    void repliesCarryUrlsOrTheRefusal() {
        ByteBuf ok = Handshakes.encode(ByteBufAllocator.DEFAULT, HelloReply.open("demo", List.of("https://demo.t.test"), 0, 15000));
        ok.skipBytes(2);
        HelloReply r = Handshakes.decodeReply(ByteBufUtil.getBytes(ok));
        ok.release();
        assertThat(r.ok()).isTrue();
        assertThat(r.urls()).containsExactly("https://demo.t.test");
        assertThat(r.keepaliveMillis()).isEqualTo(15000);
        ByteBuf no = Handshakes.encode(ByteBufAllocator.DEFAULT, HelloReply.refused(new Refusal(Refusal.NAME_TAKEN, "\"demo\" is in use")));
        no.skipBytes(2);
        HelloReply n = Handshakes.decodeReply(ByteBufUtil.getBytes(no));
        no.release();
        assertThat(n.ok()).isFalse();
        assertThat(n.refusal().code()).isEqualTo(Refusal.NAME_TAKEN);
        assertThat(n.refusal().getMessage()).isEqualTo("\"demo\" is in use");
        assertThatThrownBy(() -> Handshakes.decodeReply("<html>".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
