package engawa.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.xbill.DNS.Type;

/**
 * One UDP query answered from the compiled zone index, without sockets: parse, look up, write the answer.
 * What Engawa's DNS costs above the kernel's UDP path (bench/dns.sh measures the whole). Run with bench/jmh.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DnsResponderBenchmark {
    private Answering answering;
    private DnsResponder responder;
    private ByteBuf hit;
    private ByteBuf wildcard;
    private ByteBuf nxdomain;

    @Setup
    public void setup() {
        StringBuilder yaml = new StringBuilder("""
                listen: {dns: "127.0.0.1:0"}
                zones:
                  example.test:
                    soa: {primary: ns1.example.test., contact: hostmaster.example.test.}
                    records:
                      - {name: "@", type: NS, values: [ns1.example.test.]}
                      - {name: ns1, type: A, values: [192.0.2.1]}
                      - {name: "*.wild", type: A, values: [192.0.2.9]}
                """);
        for (int i = 0; i < 10_000; i++) {
            yaml.append("      - {name: host").append(i).append(", type: A, values: [192.0.2.").append(i % 250 + 1).append("]}\n");
        }
        answering = new Answering(yaml.toString());
        responder = answering.responder();
        hit = Unpooled.wrappedBuffer(Answering.query("host4242.example.test.", Type.A, true));
        wildcard = Unpooled.wrappedBuffer(Answering.query("any.wild.example.test.", Type.A, true));
        nxdomain = Unpooled.wrappedBuffer(Answering.query("nothere.example.test.", Type.A, true));
    }

    @TearDown
    public void tearDown() {
        answering.close();
    }

    @Benchmark
    public int answer() {
        return respond(hit);
    }

    @Benchmark
    public int wildcardAnswer() {
        return respond(wildcard);
    }

    @Benchmark
    public int nxdomain() {
        return respond(nxdomain);
    }

    private int respond(ByteBuf query) {
        DnsResponder.Outcome out = new DnsResponder.Outcome();
        responder.respond(query, 0, query.readableBytes(), Answering.CLIENT, false, PooledByteBufAllocator.DEFAULT, out);
        if (out.response == null) {
            throw new IllegalStateException("no answer");
        }
        int size = out.response.readableBytes();
        out.response.release();
        return size;
    }
}
