package engawa.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Carries raw bytes both ways between a socket and a stream of the link: a TCP tunnel's connections and
 * WebSockets after the switch. Socket bytes become DATA frames; DATA frames become socket bytes, their
 * window given back once written (see {@link StreamWindow}); the socket stops being read while the stream
 * cannot take more. The end of input either way is a half-close (END_STREAM, or a FIN); when both
 * directions have ended, or either side fails, both are closed.
 *
 * <p>The two halves run on their channels' event loops, which may differ; they share only an atomic state.
 */
public final class RawRelay {
    private static final int INPUT_DONE = 1;
    private static final int OUTPUT_DONE = 2;

    /** Counts bytes as they pass; {@link #NONE} when nobody is counting. */
    public interface Meter {
        void toStream(long bytes);

        void toSocket(long bytes);

        Meter NONE = new Meter() {
            @Override
            public void toStream(long bytes) {
            }

            @Override
            public void toSocket(long bytes) {
            }
        };
    }

    private final Channel socket;
    private final Http2StreamChannel stream;
    private final Meter meter;
    private final AtomicInteger done = new AtomicInteger();
    /** Our END_STREAM, once written; only the socket's loop sets it. */
    private volatile ChannelFuture eos;

    private RawRelay(Channel socket, Http2StreamChannel stream, Meter meter) {
        this.socket = socket;
        this.stream = stream;
        this.meter = meter;
    }

    /** A relay between {@code socket} and {@code stream}; install its two halves with {@link #socketSide} and {@link #streamSide}. */
    public static RawRelay of(Channel socket, Http2StreamChannel stream, Meter meter) {
        return new RawRelay(socket, stream, meter);
    }

    /**
     * Joins {@code socket} and {@code stream}. Call on the stream's event loop; the socket half is added on
     * the socket's loop (after anything already queued there), then the socket is read.
     *
     * @param streamHandlerName the stream handler to replace with the relay, or null to add it
     */
    public static void bridge(Channel socket, Http2StreamChannel stream, String streamHandlerName, Meter meter) {
        RawRelay relay = new RawRelay(socket, stream, meter);
        if (streamHandlerName != null) {
            stream.pipeline().replace(streamHandlerName, "relay", relay.streamSide());
        } else {
            stream.pipeline().addLast("relay", relay.streamSide());
        }
        socket.eventLoop().execute(() -> {
            if (!socket.isActive()) {
                stream.close();
                return;
            }
            socket.pipeline().addLast("relay", relay.socketSide());
            socket.config().setAutoRead(true);
        });
    }

    /** The half that reads the socket; add it to the socket's pipeline on the socket's loop. */
    public ChannelHandler socketSide() {
        return new SocketSide();
    }

    /** The half that reads the stream; add it to the stream's pipeline on the stream's loop. */
    public ChannelHandler streamSide() {
        return new StreamSide();
    }

    private void finish(int direction) {
        if ((done.accumulateAndGet(direction, (a, b) -> a | b) & (INPUT_DONE | OUTPUT_DONE)) == (INPUT_DONE | OUTPUT_DONE)) {
            // Both ways ended: the socket closes once its writes are out. The stream closes by itself once our
            // END_STREAM is out too; closing it here would drop DATA still waiting for window.
            socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Sends END_STREAM after everything written before it (once); the stream is closed if that fails. */
    private ChannelFuture endStream() {
        ChannelFuture f = eos;
        if (f == null) {
            f = stream.writeAndFlush(new DefaultHttp2DataFrame(true));
            f.addListener(w -> {
                if (!w.isSuccess()) {
                    stream.close();
                }
            });
            eos = f;
        }
        return f;
    }

    /**
     * Reads the socket again, on its loop, unless its input has ended: asking a half-closed socket to read
     * makes epoll fail, and that would close the connection with our writes still on the way.
     */
    private void resumeSocket() {
        if ((done.get() & INPUT_DONE) == 0 && socket.isActive()) {
            socket.config().setAutoRead(true);
        }
    }

    /** Socket to stream; on the socket's event loop. */
    private final class SocketSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf buf)) {
                ReferenceCountUtil.release(msg);
                return;
            }
            meter.toStream(buf.readableBytes());
            stream.writeAndFlush(new DefaultHttp2DataFrame(buf));
            if (!stream.isWritable()) {
                ctx.channel().config().setAutoRead(false);
                // The stream may have drained before the flag took: look again, so no wake-up is lost.
                if (stream.isWritable()) {
                    resumeSocket();
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                endStream();
                finish(INPUT_DONE);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            // The socket is gone: what it sent still goes out, then the stream ends (reset if the far side
            // has not finished, since nobody is left to read what it would send).
            endStream().addListener(f -> stream.close());
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /** Stream to socket; on the stream's event loop. */
    private final class StreamSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2DataFrame frame) {
                int window = frame.initialFlowControlledBytes();
                ByteBuf content = frame.content();
                boolean end = frame.isEndStream();
                if (content.isReadable()) {
                    meter.toSocket(content.readableBytes());
                    socket.writeAndFlush(content).addListener(f -> StreamWindow.consume(stream, window));
                } else {
                    content.release();
                    StreamWindow.consume(stream, window);
                }
                if (end) {
                    halfClose();
                }
            } else if (msg instanceof Http2ResetFrame) {
                socket.close();
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        private void halfClose() {
            if (socket instanceof DuplexChannel duplex) {
                socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> duplex.shutdownOutput());
            }
            finish(OUTPUT_DONE);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) {
                socket.eventLoop().execute(RawRelay.this::resumeSocket);
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
