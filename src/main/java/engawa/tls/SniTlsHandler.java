package engawa.tls;

import engawa.snapshot.SnapshotHolder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.Mapping;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of an https connection: reads the client hello, picks the certificate for its server
 * name from the snapshot current at that moment (so a new revision's certificates apply to the next
 * handshake, without touching the listener), then replaces itself with the {@link SslHandler} and a
 * {@link TlsHandshakeObserver} behind it. One per connection; runs on its event loop.
 */
public final class SniTlsHandler extends SniHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SniTlsHandler.class);
    /**
     * How long a closing connection waits for the client's close_notify after sending its own, still reading.
     * Closing at once could find the client's late frames (HTTP/2 WINDOW_UPDATEs, say) unread, and the
     * kernel then answers with a reset that destroys the response bytes still in flight; the nginx answer
     * to this is lingering_close.
     */
    static final long LINGER_MILLIS = 10_000;

    private final TlsMetrics metrics;

    /** @param handshakeTimeoutMillis time allowed for the client hello, then again for the whole handshake */
    public SniTlsHandler(SnapshotHolder snapshots, Certificates certificates, long handshakeTimeoutMillis) {
        super(mapping(snapshots), handshakeTimeoutMillis);
        this.metrics = certificates.metrics();
    }

    private static Mapping<String, SslContext> mapping(SnapshotHolder snapshots) {
        return serverName -> {
            TlsIndex.Entry e = snapshots.get().tls().select(serverName);
            if (e == null) {
                throw new IllegalStateException("no certificate to present: the config has none");
            }
            return e.context();
        };
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, io.netty.buffer.ByteBufAllocator allocator) {
        SslHandler ssl = super.newSslHandler(context, allocator);
        ssl.setCloseNotifyReadTimeoutMillis(LINGER_MILLIS);
        return ssl;
    }

    @Override
    protected void replaceHandler(ChannelHandlerContext ctx, String hostname, SslContext sslContext) {
        SslHandler ssl = newSslHandler(sslContext, ctx.alloc());
        try {
            ctx.pipeline().addAfter(ctx.name(), "tls-observer", new TlsHandshakeObserver(metrics, ssl));
            ctx.pipeline().replace(this, ctx.name(), ssl);
            ssl = null;
        } finally {
            // Not in the pipeline: nobody else will release the engine.
            if (ssl != null) {
                ReferenceCountUtil.safeRelease(ssl.engine());
            }
        }
    }

    /** Failures before the handshake proper: no certificate at all, or a client hello that never came. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        metrics.handshake("none", "none", false);
        LOG.debug("TLS from {} failed before the handshake: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
