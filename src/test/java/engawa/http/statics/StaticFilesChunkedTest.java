package engawa.http.statics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import engawa.config.ConfigDocument;
import engawa.http.ExchangeObserver;
import engawa.http.HttpConnections;
import engawa.http.RequestDispatcher;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotCompiler;
import engawa.snapshot.SnapshotHolder;
import engawa.testing.TestServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.FileRegion;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The path bytes take when sendfile cannot be used (TLS, HTTP/2): the real pipeline of an HTTP
 * connection, with zero-copy off, in an EmbeddedChannel. No FileRegion may come out, only bytes.
 */
class StaticFilesChunkedTest {
    static Path dir;
    static Services services;
    static SnapshotHolder snapshots;
    static byte[] big;

    EmbeddedChannel channel;
    final AtomicLong lastBytesSent = new AtomicLong(-1);

    @BeforeAll
    static void compile() throws IOException {
        dir = TestServer.newDir();
        big = StaticFilesIT.random(3 * 1024 * 1024 + 123, 11);
        Files.createDirectories(dir.resolve("www"));
        Files.write(dir.resolve("www/big.bin"), big);
        TestServer.write(dir, "www/small.txt", "small and cached\n");
        String yaml = """
                listen: {http: "127.0.0.1:0"}
                sites:
                  s:
                    hosts: [s.test]
                    routes:
                      - {path: /, static: {root: www}}
                """;
        services = Services.dry(null, dir.resolve("data"));
        snapshots = new SnapshotHolder(new SnapshotCompiler(services).compile(ConfigDocument.parse(yaml, dir), 1).snapshot());
    }

    @AfterAll
    static void close() {
        services.close();
    }

    @BeforeEach
    void open() {
        ExchangeObserver observer = (ex, ok) -> lastBytesSent.set(ex.bytesSent());
        channel = new EmbeddedChannel(new HttpServerCodec(), new HttpServerKeepAliveHandler(), new ChunkedWriteHandler(),
                new RequestDispatcher(snapshots, observer, false, false, 0, new HttpConnections()));
    }

    @AfterEach
    void leakCheck() {
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    /** A parsed response: status, lower-cased headers, body. */
    record Response(int status, Map<String, String> headers, byte[] body) {
    }

    Response exchange(String request) {
        channel.writeInbound(Unpooled.copiedBuffer(request, StandardCharsets.ISO_8859_1));
        channel.runPendingTasks();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Object msg;
        while ((msg = channel.readOutbound()) != null) {
            assertThat(msg).as("zero-copy is off: bytes only").isNotInstanceOf(FileRegion.class);
            ByteBuf buf = (ByteBuf) msg; // the HTTP/1.1 encoder's output
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            buf.release();
            out.writeBytes(b);
        }
        byte[] all = out.toByteArray();
        String text = new String(all, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        assertThat(end).as("a complete response head").isPositive();
        List<String> lines = text.substring(0, end).lines().toList();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
        }
        byte[] body = Arrays.copyOfRange(all, end + 4, all.length);
        if (headers.containsKey("content-length") && !request.startsWith("HEAD")) {
            assertThat(body.length).isEqualTo(Integer.parseInt(headers.get("content-length")));
        }
        return new Response(Integer.parseInt(lines.get(0).split(" ")[1]), headers, body);
    }

    @Test
    void aLargeFileIsSentInChunksByteForByte() {
        Response r = exchange("GET /big.bin HTTP/1.1\r\nHost: s.test\r\n\r\n");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(big);
        assertThat(lastBytesSent.get()).as("the access log counts the chunked body").isEqualTo(big.length);
    }

    @Test
    void rangesOfALargeFileAreSentInChunks() {
        Response one = exchange("GET /big.bin HTTP/1.1\r\nHost: s.test\r\nRange: bytes=1000000-2999999\r\n\r\n");
        assertThat(one.status()).isEqualTo(206);
        assertThat(one.body()).isEqualTo(Arrays.copyOfRange(big, 1_000_000, 3_000_000));
        Response multi = exchange("GET /big.bin HTTP/1.1\r\nHost: s.test\r\nRange: bytes=0-99999,-70000\r\n\r\n");
        assertThat(multi.status()).isEqualTo(206);
        String type = multi.headers().get("content-type");
        List<StaticFilesIT.Part> parts = StaticFilesIT.Part.parse(multi.body(), type.substring(type.indexOf('=') + 1));
        assertThat(parts).hasSize(2);
        assertThat(parts.get(0).body()).isEqualTo(Arrays.copyOfRange(big, 0, 100_000));
        assertThat(parts.get(1).body()).isEqualTo(Arrays.copyOfRange(big, big.length - 70_000, big.length));
        assertThat(parts.get(1).contentRange()).isEqualTo("bytes " + (big.length - 70_000) + "-" + (big.length - 1) + "/" + big.length);
    }

    @Test
    void keepAliveRequestsFollowAChunkedBody() {
        exchange("GET /big.bin HTTP/1.1\r\nHost: s.test\r\n\r\n");
        Response small = exchange("GET /small.txt HTTP/1.1\r\nHost: s.test\r\n\r\n");
        assertThat(new String(small.body(), StandardCharsets.UTF_8)).isEqualTo("small and cached\n");
        Response head = exchange("HEAD /big.bin HTTP/1.1\r\nHost: s.test\r\n\r\n");
        assertThat(head.headers().get("content-length")).isEqualTo(Integer.toString(big.length));
        assertThat(head.body()).isEmpty();
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void aFileThatShrankFailsTheChunkInsteadOfSendingLess() throws IOException {
        Path f = dir.resolve("shrinking.bin");
        Files.write(f, new byte[1000]);
        OpenFile file = OpenFile.open(f);
        // As if the file had 5000 bytes when it was looked up.
        FileChunks chunks = new FileChunks(file, 0, 5000);
        file.release();
        assertThatThrownBy(() -> chunks.readChunk(ByteBufAllocator.DEFAULT)).isInstanceOf(EOFException.class);
        chunks.close();
        chunks.close();
        assertThat(file.refCnt()).as("closed once, file closed").isZero();
    }
}
