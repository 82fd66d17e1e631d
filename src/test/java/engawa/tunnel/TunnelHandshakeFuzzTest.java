package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Arbitrary bytes against the first thing an unauthenticated tunnel client reaches (the hello decoder and
 * its JSON), and against the client's reading of the edge's answer, with Jazzer. CI runs the committed seeds
 * in {@code src/test/resources/engawa/tunnel/TunnelHandshakeFuzzTestInputs/} in regression mode; to fuzz,
 * with {@code jazzer.hooks=true} in junit-platform.properties for that run (coverage needs Jazzer's agent):
 * <pre>
 *   JAZZER_FUZZ=1 ./mvnw -B test -Dtest='TunnelHandshakeFuzzTest#anyBytesGiveOneHelloOrOneRefusal'
 * </pre>
 */
class TunnelHandshakeFuzzTest {

    /**
     * Whatever the bytes and however they are cut: no exception, at most one message (a hello or a
     * refusal), the same one whole and in pieces, what follows a hello left for the next handler, and
     * every buffer released. A refusal's sentence, which the edge logs and sends back, is one printable
     * line of bounded length whatever the client put in its hello.
     */
    @FuzzTest(maxDuration = "2m")
    void anyBytesGiveOneHelloOrOneRefusal(byte[] input) {
        Outcome whole = decode(input, input.length == 0 ? 1 : input.length);
        for (int piece : new int[] {1, 5, 64}) {
            Outcome cut = decode(input, piece);
            assertThat(cut.messages).as("cut in pieces of %d", piece).isEqualTo(whole.messages);
            assertThat(cut.leftover).isEqualTo(whole.leftover);
        }
        assertThat(whole.messages).hasSizeLessThanOrEqualTo(1);
        for (Object m : whole.messages) {
            if (m instanceof Refused r) {
                assertThat(r.code()).isEqualTo(Refusal.BAD_HANDSHAKE);
                assertThat(r.message()).hasSizeLessThanOrEqualTo(Refusal.MAX_MESSAGE)
                        .matches("[\\x20-\\x7e\\u00a0-\\uffff]*");
            } else {
                assertThat(m).isInstanceOf(Hello.class);
            }
        }
    }

    /** The edge's answer, whatever it is, reads as a reply or fails with the one exception the client handles. */
    @FuzzTest(maxDuration = "1m")
    void anyAnswerReadsAsAReplyOrIsRejected(byte[] input) {
        try {
            HelloReply reply = Handshakes.decodeReply(input);
            if (!reply.ok()) {
                // Printed on the client's terminal: no control characters from the edge.
                assertThat(reply.refusal().getMessage()).hasSizeLessThanOrEqualTo(Refusal.MAX_MESSAGE)
                        .matches("[\\x20-\\x7e\\u00a0-\\uffff]*");
            }
        } catch (IllegalArgumentException expected) {
            // "the server's answer is not ..."
        }
    }

    private record Outcome(List<Object> messages, List<Byte> leftover) {
    }

    /** A refusal, comparable by value. */
    private record Refused(String code, String message) {
    }

    private static Outcome decode(byte[] input, int piece) {
        EmbeddedChannel ch = new EmbeddedChannel(new HelloDecoder());
        List<ByteBuf> sent = new ArrayList<>();
        List<Object> messages = new ArrayList<>();
        for (int at = 0; at < input.length; at += piece) {
            ByteBuf b = Unpooled.copiedBuffer(input, at, Math.min(piece, input.length - at));
            sent.add(b);
            ch.writeInbound(b.retain());
            for (Object m; (m = ch.readInbound()) != null; ) {
                messages.add(m instanceof Refusal r ? new Refused(r.code(), r.getMessage()) : m);
            }
        }
        List<Byte> leftover = new ArrayList<>();
        if (!messages.isEmpty() && messages.getFirst() instanceof Hello) {
            // What came after the hello goes to the HTTP/2 codec once the decoder is gone.
            ch.pipeline().removeFirst();
            for (Object m; (m = ch.readInbound()) != null; ) {
                ByteBuf b = (ByteBuf) m;
                while (b.isReadable()) {
                    leftover.add(b.readByte());
                }
                b.release();
            }
        }
        ch.finishAndReleaseAll();
        for (ByteBuf b : sent) {
            assertThat(b.release()).as("the decoder released what it read").isTrue();
        }
        return new Outcome(messages, leftover);
    }
}
