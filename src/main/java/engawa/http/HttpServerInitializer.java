package engawa.http;

import engawa.config.HttpSettings;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.stream.ChunkedWriteHandler;

/**
 * The pipeline of one HTTP connection, a line per stage: TLS (plain listeners skip it), the HTTP/1.1
 * codec with its limits, keep-alive, chunked writes for files over TLS, and the dispatcher.
 */
public final class HttpServerInitializer extends ChannelInitializer<Channel> {
    private final HttpListenerContext lc;

    public HttpServerInitializer(HttpListenerContext lc) {
        this.lc = lc;
    }

    @Override
    protected void initChannel(Channel ch) {
        lc.connections().add(ch);
        HttpSettings settings = lc.snapshots().get().config().http();
        ChannelPipeline p = ch.pipeline();
        if (lc.secure()) {
            p.addLast("tls", lc.tls().apply(ch));
        }
        p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(settings.maxRequestLine())
                .setMaxHeaderSize(settings.maxHeaderSize())
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)));
        p.addLast("keepalive", new HttpServerKeepAliveHandler());
        p.addLast("chunked", new ChunkedWriteHandler());
        p.addLast("dispatch", new RequestDispatcher(lc.snapshots(), lc.services().exchangeObserver(), lc.secure(),
                !lc.secure(), lc.httpsPort().getAsInt(), lc.connections()));
    }
}
