package engawa.http.proxy;

import engawa.http.HttpExchange;
import engawa.http.UpstreamBackendHandler;
import engawa.http.UpstreamExchange;
import engawa.upstream.UpstreamConnection;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.ReferenceCountUtil;

/**
 * One request through the proxy, on the client connection's event loop; choosing a server, retries,
 * timers and back-pressure are {@link UpstreamExchange}'s (see there for the rules on failures).
 *
 * <p>The request head goes up as soon as a connection is ready, then the body as it arrives: nothing is
 * held whole. Each direction has back-pressure: when the upstream cannot take more body, the client is
 * not read; when the client cannot take more response, the upstream is not read. Informational responses
 * (100, 103) are not passed on.
 *
 * <p>Upgrades: a 101 from the upstream turns both connections into a byte {@link Relay}.
 */
final class ProxyExchange extends UpstreamExchange {
    private final HttpRequest head;
    private final boolean upgrade;

    private boolean upstreamKeepAlive;
    private boolean skipInformational;

    ProxyExchange(ProxyHandler handler, HttpExchange ex) {
        super(ex, handler.pool());
        HttpRequest request = ex.request();
        this.upgrade = ProxyHeaders.wantsUpgrade(request);
        String target = ProxyTarget.of(ex.path(), handler.prefix(), handler.stripPrefix());
        String absoluteHost = engawa.http.RequestPath.hostOfAbsolute(ex.path().raw());
        String host = absoluteHost != null ? absoluteHost : request.headers().get(io.netty.handler.codec.http.HttpHeaderNames.HOST);
        this.head = ProxyHeaders.upstreamRequest(request, target, host, ex.clientAddress(), ex.secure(), upgrade);
    }

    void start() {
        if (follow()) {
            attempt(502);
        }
    }

    @Override
    protected String target() {
        return head.uri();
    }

    @Override
    protected String lateHead() {
        return "no response head";
    }

    // ---- request, client to upstream ----

    @Override
    protected void install(ChannelPipeline p, UpstreamBackendHandler backend) {
        p.addBefore("pool", "http", new HttpClientCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(8 * 1024)
                .setMaxHeaderSize(64 * 1024)
                .setMaxChunkSize(64 * 1024), false, false));
        p.addBefore("pool", "proxy", backend);
    }

    @Override
    protected void sendHead(UpstreamConnection c) {
        Channel ch = c.channel();
        ch.write(head, ch.voidPromise());
    }

    @Override
    protected void forward(HttpContent content, boolean last, boolean flush) {
        Channel ch = connection().channel();
        if (content.content().isReadable()) {
            bodyForwarded();
        }
        if (flush) {
            ch.writeAndFlush(content, ch.voidPromise());
        } else {
            ch.write(content, ch.voidPromise());
        }
        if (last) {
            requestEnded();
        } else {
            pauseClientIfBlocked(ch);
        }
    }

    // ---- response, upstream to client ----

    @Override
    protected void upstreamRead(Object msg) {
        if (done()) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpResponse r) {
            if (r.decoderResult().isFailure()) {
                ReferenceCountUtil.release(msg);
                upstreamFailed(r.decoderResult().cause());
                return;
            }
            int code = r.status().code();
            if (code == 101 && upgrade) {
                ReferenceCountUtil.release(msg);
                switchProtocols(r);
                return;
            }
            if (code < 200) {
                // 100 Continue, 103 Early Hints: the client is not waiting for these; skip them and their end.
                skipInformational = true;
                ReferenceCountUtil.release(msg);
                return;
            }
            upstreamKeepAlive = HttpUtil.isKeepAlive(r) && !upgrade;
            ProxyHeaders.prepareResponse(r, ex.request());
            respond(r);
            if (!(msg instanceof HttpContent)) {
                return;
            }
        }
        if (msg instanceof HttpContent c) {
            if (skipInformational || !responseStarted()) {
                if (c instanceof LastHttpContent) {
                    skipInformational = false;
                }
                c.release();
                return;
            }
            if (c.decoderResult().isFailure()) {
                Throwable cause = c.decoderResult().cause();
                c.release();
                upstreamFailed(cause);
                return;
            }
            if (c instanceof LastHttpContent) {
                // Let go of the upstream first: writing the end may complete the exchange right away.
                // Closed by the server's wish, or the body was not all sent (an early answer): not reusable.
                responseEnded(upstreamKeepAlive);
                ex.writeAndFlush(c);
            } else {
                ex.write(c);
                pauseUpstreamIfBlocked();
            }
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    // ---- upgrade ----

    /**
     * The upstream agreed to switch protocols: send the 101 on, then take the HTTP codecs out of both
     * pipelines and relay bytes. The upstream connection leaves its pool for good; its server's
     * in-flight slot is held until the relay closes.
     */
    private void switchProtocols(HttpResponse r) {
        UpstreamConnection c = detach();
        ProxyHeaders.prepareResponse(r, ex.request());
        DefaultFullHttpResponse switching = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(),
                Unpooled.EMPTY_BUFFER, r.headers(), io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
        ex.writeAndFlush(switching);

        Channel client = ex.channel();
        Channel upstream = c.channel();
        ChannelPipeline cp = client.pipeline();
        cp.addAfter(ex.ctx().name(), "relay", new Relay(upstream));
        cp.remove(ex.ctx().name());
        removeIfPresent(cp, ChunkedWriteHandler.class);
        removeIfPresent(cp, HttpServerKeepAliveHandler.class);
        // The codec last: bytes it holds undecoded go on to the relay.
        removeIfPresent(cp, HttpServerCodec.class);

        ChannelPipeline up = upstream.pipeline();
        up.addAfter("proxy", "relay", new Relay(client));
        up.remove("proxy");
        up.remove("http");
        upstream.config().setAutoRead(true);
        client.config().setAutoRead(true);
        if (!client.isActive()) {
            upstream.close();
        }
    }

    private static void removeIfPresent(ChannelPipeline p, Class<? extends io.netty.channel.ChannelHandler> type) {
        if (p.get(type) != null) {
            p.remove(type);
        }
    }
}
