package engawa.tunnel;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamChannelOption;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One authenticated tunnel client: its link (a TLS connection carrying HTTP/2 with the edge as the client),
 * where it connected from and when, and what passed through it. Public requests become streams opened with
 * {@link #open}. Thread-safe: streams are opened from any event loop; the link lives on its own.
 */
public final class TunnelSession {
    private final Tunnel tunnel;
    private final Channel link;
    private final InetSocketAddress client;
    private final Instant since = Instant.now();
    private final Http2StreamChannelBootstrap streams;
    private final LinkFlushes flushes;
    private final AtomicInteger openStreams = new AtomicInteger();
    private final LongAdder requests = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private volatile boolean ready;
    private volatile boolean closing;

    TunnelSession(Tunnel tunnel, Channel link) {
        this.tunnel = tunnel;
        this.link = link;
        this.client = (InetSocketAddress) link.remoteAddress();
        this.flushes = new LinkFlushes(link);
        // Response data is taken off the window only once written to the public client: see TunnelExchange.
        this.streams = new Http2StreamChannelBootstrap(link).option(Http2StreamChannelOption.AUTO_STREAM_FLOW_CONTROL, false);
    }

    public Tunnel tunnel() {
        return tunnel;
    }

    public InetSocketAddress clientAddress() {
        return client;
    }

    public Instant since() {
        return since;
    }

    Channel link() {
        return link;
    }

    /** Flushes the link once for all streams that wrote meanwhile; on the link's event loop. */
    LinkFlushes flushes() {
        return flushes;
    }

    /** True once the link speaks HTTP/2 and may carry streams. */
    public boolean ready() {
        return ready;
    }

    void markReady() {
        ready = true;
    }

    /** True once the link is going away (GOAWAY either way, or closed): no new streams. */
    public boolean closing() {
        return closing || !link.isActive();
    }

    void markClosing() {
        closing = true;
    }

    /** Whether the link's socket can take more now; a client that stops reading makes this false. */
    public boolean writable() {
        return link.isWritable();
    }

    /**
     * Opens a stream to the client. Completes on the link's event loop; fails when the link is closing or
     * already carries {@link TunnelProtocol#MAX_STREAMS} streams.
     */
    public Future<Http2StreamChannel> open() {
        if (closing() || openStreams.incrementAndGet() > TunnelProtocol.MAX_STREAMS) {
            if (!closing()) {
                openStreams.decrementAndGet();
            }
            return link.eventLoop().newFailedFuture(new IllegalStateException("tunnel client " + client + " is busy or leaving"));
        }
        Future<Http2StreamChannel> f = streams.open();
        f.addListener(done -> {
            if (done.isSuccess()) {
                ((Http2StreamChannel) done.getNow()).closeFuture().addListener(c -> openStreams.decrementAndGet());
            } else {
                openStreams.decrementAndGet();
            }
        });
        return f;
    }

    public int openStreams() {
        return Math.max(0, openStreams.get());
    }

    public void countRequest() {
        requests.increment();
    }

    /** Bytes from the public side towards the client. */
    public void countIn(long bytes) {
        bytesIn.add(bytes);
    }

    /** Bytes from the client towards the public side. */
    public void countOut(long bytes) {
        bytesOut.add(bytes);
    }

    /** Counts a raw relay's bytes as this session's: towards the stream in, towards the socket out. */
    RawRelay.Meter relayMeter() {
        return new RawRelay.Meter() {
            @Override
            public void toStream(long bytes) {
                countIn(bytes);
            }

            @Override
            public void toSocket(long bytes) {
                countOut(bytes);
            }
        };
    }

    public long requests() {
        return requests.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }

    /** Ends the link at once, telling the client why in a GOAWAY. Any thread. */
    public void goAway(Http2Error error, String why) {
        closing = true;
        link.eventLoop().execute(() -> {
            if (!link.isActive()) {
                return;
            }
            if (ready) {
                link.writeAndFlush(new DefaultHttp2GoAwayFrame(error, ByteBufUtil.writeUtf8(link.alloc(), why)))
                        .addListener(ChannelFutureListener.CLOSE);
            } else {
                link.close();
            }
        });
    }

    /** Ends the link gracefully: GOAWAY, then streams in flight may finish (up to the codec's timeout). */
    public void shutdown() {
        closing = true;
        link.close();
    }

    @Override
    public String toString() {
        return "tunnel " + tunnel.name() + " client " + client;
    }
}
