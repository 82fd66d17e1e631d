package engawa.http;

import engawa.config.HttpSettings;
import engawa.http.codec.RequestGuardHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * The pipeline of one HTTP connection, a line per stage: TLS (plain listeners skip it), the request guard
 * (strict framing, limits, header and idle timeouts), the HTTP/1.1 codec (its strict options set
 * explicitly, so a system property cannot loosen them), the guard's response watcher, keep-alive,
 * chunked writes for files over TLS, and the dispatcher. On TLS the HTTP stages are added once ALPN has
 * chosen between HTTP/1.1 and HTTP/2 ({@link Http2Pipeline}).
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> {
    private final HttpListenerContext lc;

    public HttpServerInitializer(HttpListenerContext lc) {
        this.lc = lc;
    }

    @Override
    protected void initChannel(Channel ch) {
        lc.connections().add(ch);
        ChannelPipeline p = ch.pipeline();
        if (lc.secure()) {
            p.addLast("tls", lc.tls().apply(ch));
            // HTTP/1.1 or HTTP/2: known once the handshake has agreed on it (ALPN).
            p.addLast("alpn", new ProtocolNegotiation());
        } else {
            http1(p);
        }
    }

    private void http1(ChannelPipeline p) {
        HttpSettings settings = lc.snapshots().get().config().http();
        RequestGuardHandler guard = new RequestGuardHandler(settings);
        p.addLast("guard", guard);
        p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(settings.maxRequestLine())
                .setMaxHeaderSize(settings.maxHeaderSize())
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setStrictLineParsing(true)
                .setAllowDuplicateContentLengths(false)
                .setUseRfc9112TransferEncoding(true)));
        p.addLast("responses", guard.responseWatcher());
        p.addLast("keepalive", new HttpServerKeepAliveHandler());
        p.addLast("chunked", new ChunkedWriteHandler());
        p.addLast("dispatch", new RequestDispatcher(lc.snapshots(), lc.services().exchangeObserver(), lc.secure(),
                !lc.secure(), lc.httpsPort().getAsInt(), lc.connections()));
    }

    /** Completes a TLS connection's pipeline for the protocol ALPN agreed on (HTTP/1.1 when the client offered none). */
    private final class ProtocolNegotiation extends ApplicationProtocolNegotiationHandler {
        ProtocolNegotiation() {
            super(ApplicationProtocolNames.HTTP_1_1);
        }

        @Override
        protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                Http2Pipeline.configure(ctx.pipeline(), lc);
            } else {
                http1(ctx.pipeline());
            }
        }

        @Override
        protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            // Counted and logged (at debug: it is the client's problem) by the TLS handler.
            ctx.close();
        }
    }
}
