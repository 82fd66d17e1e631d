package engawa.http.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The strict request scanner on the heads browsers send: it reads every request before Netty's decoder
 * does, so its cost per head is a floor under every HTTP/1.1 request. Run with bench/jmh.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RequestScannerBenchmark {
    static final String BROWSER = "GET /assets/app.css?v=3 HTTP/1.1\r\nHost: a.test\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36\r\n"
            + "Accept: text/css,*/*;q=0.1\r\nAccept-Language: en-GB,en;q=0.9\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Referer: https://a.test/\r\nCookie: session=0123456789abcdef0123456789abcdef; theme=dark\r\n"
            + "Sec-Fetch-Dest: style\r\nSec-Fetch-Mode: no-cors\r\nSec-Fetch-Site: same-origin\r\nConnection: keep-alive\r\n\r\n";
    static final String WRK = "GET /static/1k.bin HTTP/1.1\r\nHost: www.example.test\r\n\r\n";

    private ByteBuf browser;
    private ByteBuf wrk;
    private RequestScanner scanner;

    @Setup
    public void setup() {
        browser = Unpooled.wrappedBuffer(BROWSER.getBytes(StandardCharsets.US_ASCII));
        wrk = Unpooled.wrappedBuffer(WRK.getBytes(StandardCharsets.US_ASCII));
        scanner = new RequestScanner(8192, 16384);
    }

    /** A 600-byte head with a dozen headers, as a browser sends for a stylesheet. */
    @Benchmark
    public int browserHead() {
        return check(scanner.scan(browser), browser);
    }

    /** The minimal head wrk sends in bench/http.sh. */
    @Benchmark
    public int minimalHead() {
        return check(scanner.scan(wrk), wrk);
    }

    private int check(int scanned, ByteBuf head) {
        if (scanned != head.readableBytes() || !scanner.betweenRequests()) {
            throw new IllegalStateException("the scanner stopped early: " + scanner.reason());
        }
        return scanned;
    }
}
