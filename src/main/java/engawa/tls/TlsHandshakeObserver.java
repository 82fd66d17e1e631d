package engawa.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right behind the {@link SslHandler}: counts each handshake by the engine that ran it and the
 * protocol agreed, and keeps TLS failures (a client offering only TLS 1.0, plain HTTP on the TLS port, a
 * reset mid-handshake) out of the warning log: they are the client's problem, logged at debug. Requests
 * pass it untouched (it handles no reads). Runs on the connection's event loop.
 */
final class TlsHandshakeObserver extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeObserver.class);

    private final TlsMetrics metrics;
    private final SslHandler ssl;

    TlsHandshakeObserver(TlsMetrics metrics, SslHandler ssl) {
        this.metrics = metrics;
        this.ssl = ssl;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            String engine = engineName(ssl.engine());
            if (done.isSuccess()) {
                metrics.handshake(engine, ssl.engine().getSession().getProtocol(), true);
            } else {
                metrics.handshake(engine, "none", false);
                LOG.debug("TLS handshake with {} failed: {}", ctx.channel().remoteAddress(), done.cause().toString());
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (t instanceof SSLException || t instanceof NotSslRecordException) {
            LOG.debug("TLS connection from {} failed: {}", ctx.channel().remoteAddress(), t.toString());
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    /** The TLS implementation behind an engine, as metrics label it. */
    static String engineName(SSLEngine engine) {
        if (engine instanceof ReferenceCountedOpenSslEngine) {
            String v = OpenSsl.versionString();
            return v != null && v.contains("BoringSSL") ? "boringssl" : "openssl";
        }
        return "jdk";
    }
}
