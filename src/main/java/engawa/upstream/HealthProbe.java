package engawa.upstream;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

/**
 * One active check of one server, started on an event loop; the future never fails, it completes with
 * the result. The protocol decides what "healthy" means: an HTTP pool asks for the check path, a FastCGI
 * pool only connects.
 */
public interface HealthProbe {

    Future<Result> probe(UpstreamServer server, EventLoop loop);

    /** {@code detail} is what the admin API shows: {@code "200 OK in 3 ms"}, {@code "connection refused"}. */
    record Result(boolean ok, String detail) {
    }

    /** The result, at once, for a server whose name is not resolved (yet). */
    static Future<Result> unresolved(UpstreamServer server, EventLoop loop) {
        return loop.newSucceededFuture(new Result(false, "cannot resolve " + server.host()));
    }

    /** A short reason for a failed connection, without the stack or the address twice. */
    static String describe(Throwable cause) {
        if (cause == null) {
            return "failed";
        }
        String m = cause.getMessage();
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "connect timed out";
        }
        if (m != null && m.contains("Connection refused")) {
            return "connection refused";
        }
        if (cause instanceof javax.net.ssl.SSLException || cause instanceof io.netty.handler.codec.DecoderException
                && cause.getCause() instanceof javax.net.ssl.SSLException) {
            Throwable root = cause;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String detail = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            return "TLS handshake failed: " + (detail.length() > 200 ? detail.substring(0, 200) + "..." : detail);
        }
        if (cause instanceof java.io.FileNotFoundException) {
            // A unix socket path with nothing there (epoll says ENOENT this way, without a message).
            return "no socket file";
        }
        return m == null ? cause.getClass().getSimpleName() : m;
    }
}
