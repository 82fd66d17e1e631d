package engawa.http.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CgiHeadTest {
    private static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
    }

    /** Table rows spell CR and LF as backslash-r and backslash-n. */
    private static String unescape(String row) {
        return row.replace("\\r", "\r").replace("\\n", "\n");
    }

    /** Feeds {@code parts} one by one; returns the response and the body bytes that followed the block. */
    private static String[] parse(CgiHead head, String... parts) throws CgiHead.CgiException {
        for (int i = 0; i < parts.length; i++) {
            ByteBuf body = head.feed(bytes(parts[i]), ALLOC);
            if (body != null) {
                StringBuilder rest = new StringBuilder(body.toString(StandardCharsets.ISO_8859_1));
                body.release();
                for (int j = i + 1; j < parts.length; j++) {
                    rest.append(parts[j]);
                }
                HttpResponse r = head.response();
                return new String[] {r.status().toString(), r.headers().toString(), rest.toString()};
            }
        }
        head.discard();
        return null;
    }

    @Test
    void aStatusLineSetsTheStatusAndIsNotAHeader() throws Exception {
        CgiHead head = new CgiHead();
        assertThat(parse(head, "Status: 404 Not Found\r\nContent-type: text/html\r\n\r\nnope")).isNotNull();
        HttpResponse r = head.response();
        assertThat(r.status().code()).isEqualTo(404);
        assertThat(r.status().reasonPhrase()).isEqualTo("Not Found");
        assertThat(r.headers().contains("status")).isFalse();
        assertThat(r.headers().get("content-type")).isEqualTo("text/html");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "Content-Type: text/plain\\n\\n|200|OK",
        "Location: /elsewhere\\r\\n\\r\\n|302|Found",
        "Status: 201\\r\\nLocation: /new\\r\\n\\r\\n|201|Created",
        "Status: 299 Custom Words\\n\\n|299|Custom Words",
        "status:   503   Busy  \\n\\n|503|Busy",
    })
    void theStatusComesFromStatusOrLocation(String block, int code, String reason) throws Exception {
        CgiHead head = new CgiHead();
        assertThat(head.feed(bytes(unescape(block)), ALLOC)).satisfies(ByteBuf::release);
        assertThat(head.response().status().code()).isEqualTo(code);
        assertThat(head.response().status().reasonPhrase()).isEqualTo(reason);
    }

    @Test
    void aBlockSplitAnywhereAcrossRecordsParsesTheSame() throws Exception {
        String block = "Status: 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Long: " + "v".repeat(300) + "\r\n\r\nbody!";
        for (int cut1 = 1; cut1 < block.length() - 1; cut1 += 7) {
            for (int cut2 = cut1 + 1; cut2 < block.length(); cut2 += 53) {
                CgiHead head = new CgiHead();
                String[] r = parse(head, block.substring(0, cut1), block.substring(cut1, cut2), block.substring(cut2));
                assertThat(r).as("cut at %d and %d", cut1, cut2).isNotNull();
                assertThat(r[2]).isEqualTo("body!");
                assertThat(head.response().headers().getAll("set-cookie")).containsExactly("a=1", "b=2");
                assertThat(head.response().headers().get("x-long")).hasSize(300);
            }
        }
    }

    @Test
    void hopByHopHeadersAreDroppedAndAContentLengthKept() throws Exception {
        CgiHead head = new CgiHead();
        head.feed(bytes("Connection: close\nTransfer-Encoding: chunked\nKeep-Alive: 5\nContent-Length: 12\n"
                + "Content-Length: 12\n\n"), ALLOC).release();
        assertThat(head.response().headers().names()).containsExactly("Content-Length");
        assertThat(head.response().headers().get("content-length")).isEqualTo("12");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "no colon here\\n\\n|header line without a name",
        ": empty name\\n\\n|header line without a name",
        "X-A: 1\\n folded\\n\\n|folded header line",
        "Status: abc\\n\\n|invalid Status",
        "Status: 100 Continue\\n\\n|not a final status",
        "Content-Length: -1\\n\\n|invalid Content-Length",
        "Content-Length: 1\\nContent-Length: 2\\n\\n|two different Content-Length values",
        "Bad Name: x\\n\\n|invalid header",
    })
    void malformedBlocksAreRefused(String block, String message) {
        CgiHead head = new CgiHead();
        assertThatThrownBy(() -> head.feed(bytes(unescape(block)), ALLOC)).isInstanceOf(CgiHead.CgiException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aBlockOver64KiBIsRefusedWholeOrInPieces() throws Exception {
        CgiHead whole = new CgiHead();
        assertThatThrownBy(() -> whole.feed(bytes(("X-A: " + "v".repeat(1000) + "\n").repeat(70) + "\n"), ALLOC))
                .hasMessageContaining("over 65536 bytes");
        CgiHead pieces = new CgiHead();
        assertThatThrownBy(() -> {
            for (int i = 0; i < 200; i++) {
                assertThat(pieces.feed(bytes("X-Never-Ending: " + "v".repeat(500)), ALLOC)).isNull();
            }
        }).hasMessageContaining("over 65536 bytes");
    }

    @Test
    void anIncompleteBlockIsReleasedOnDiscard() throws Exception {
        CgiHead head = new CgiHead();
        ByteBuf first = bytes("X-A: 1\r\nX-B");
        assertThat(head.feed(first, ALLOC)).isNull();
        assertThat(first.refCnt()).isZero();
        head.discard();
    }
}
