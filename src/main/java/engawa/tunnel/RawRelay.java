package engawa.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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
            socket.read();
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
            closeBoth();
        }
    }

    private void closeBoth() {
        socket.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        stream.close();
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
                    ctx.channel().config().setAutoRead(true);
                }
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof ChannelInputShutdownEvent) {
                stream.writeAndFlush(new DefaultHttp2DataFrame(true));
                finish(INPUT_DONE);
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if ((done.get() & INPUT_DONE) == 0) {
                stream.writeAndFlush(new DefaultHttp2DataFrame(true));
            }
            stream.close();
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
                socket.config().setAutoRead(true);
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
