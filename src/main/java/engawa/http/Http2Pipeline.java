package engawa.http;

import engawa.config.HttpSettings;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.stream.ChunkedWriteHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline of an HTTP/2 connection (agreed by ALPN on the https listener): the frame codec on the
 * connection, and one child channel per stream whose pipeline converts frames to the HTTP/1 objects the
 * rest of Engawa speaks and ends in the same {@link RequestDispatcher} as an HTTP/1.1 connection, one
 * exchange per stream. Flow control is the stream channel's writability, so handlers that respect
 * back-pressure on HTTP/1.1 respect the peer's window here. Draining sends GOAWAY and lets the streams in
 * flight finish. Runs on the connection's event loop.
 */
final class Http2Pipeline {
    static final int MAX_CONCURRENT_STREAMS = 128;
    /** What requests arriving over HTTP/2 say they are (access log: {@code "GET / HTTP/2.0"}, as nginx writes it). */
    static final HttpVersion HTTP_2 = new HttpVersion("HTTP", 2, 0, true);

    private Http2Pipeline() {
    }

    static void configure(ChannelPipeline p, HttpListenerContext lc) {
        HttpSettings settings = lc.snapshots().get().config().http();
        p.addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .maxHeaderListSize(settings.maxHeaderSize()))
                .validateHeaders(true)
                .gracefulShutdownTimeoutMillis(settings.drainTimeout().toMillis())
                .build());
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                ChannelPipeline sp = stream.pipeline();
                sp.addLast("codec", new Http2StreamFrameToHttpObjectCodec(true, true));
                sp.addLast("h2-adapter", new StreamAdapter());
                sp.addLast("chunked", new ChunkedWriteHandler());
                sp.addLast("dispatch", new RequestDispatcher(lc.snapshots(), lc.services().exchangeObserver(), true,
                        false, 0, lc.connections()));
            }
        }));
        p.addLast("h2-connection", new ConnectionEvents());
    }

    /**
     * Between a stream's frame codec and its dispatcher: marks requests as HTTP/2.0 and drops the
     * {@code x-http2-*} headers the conversion adds (they must not reach an upstream).
     */
    static final class StreamAdapter extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest request) {
                request.setProtocolVersion(HTTP_2);
                for (HttpConversionUtil.ExtensionHeaderNames name : HttpConversionUtil.ExtensionHeaderNames.values()) {
                    request.headers().remove(name.text());
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    /** The end of the connection's pipeline: draining closes it gracefully (GOAWAY, streams finish); stray errors close it. */
    static final class ConnectionEvents extends ChannelInboundHandlerAdapter {
        private static final Logger LOG = LoggerFactory.getLogger(ConnectionEvents.class);

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == HttpConnections.DRAIN) {
                ctx.channel().close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("HTTP/2 connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }
}
