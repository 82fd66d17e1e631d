package engawa.http;

import engawa.upstream.ConnectionCallback;
import engawa.upstream.HealthProbe;
import engawa.upstream.UpstreamConnection;
import engawa.upstream.UpstreamPool;
import engawa.upstream.UpstreamServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.ArrayDeque;
import java.util.BitSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request sent on to a server of an upstream pool, whatever the protocol spoken to it (the HTTP proxy,
 * FastCGI): choosing a server, connecting, holding the body until a connection is ready, back-pressure both
 * ways, the response-head timer, retrying on another server or failing with the right status, and giving
 * the connection back (or closing it) when the attempt ends. The subclass speaks the protocol: it installs
 * its codec on a new connection, sends the request head and body pieces, and reads the response.
 *
 * <p>Runs on the client connection's event loop; the upstream connection is opened on the same loop, so
 * nothing here is shared across threads and nothing takes a lock.
 *
 * <p>Failures. A server that cannot be reached is ejected (passive check) and the request goes to another
 * server, up to {@code retries} times, when it can be replayed: nothing was sent yet, or it is idempotent
 * (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) and no body byte went up. A kept-alive connection that turns out
 * closed before answering is retried on a fresh connection, for replayable requests, without counting against
 * the server. After that: 502 for a connection failure, 504 when connecting timed out, no response head came
 * within {@code timeouts.response_header} of the request's end, or nothing moved either way for
 * {@code timeouts.idle} (those are not retried: the server may still be working on it). With every server
 * down the answer is 502 at once. Once the response has started, a failure can only cut the client connection.
 */
public abstract class UpstreamExchange implements BodyReceiver, ConnectionCallback {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamExchange.class);
    /** Body bytes held while no upstream connection is ready; above this the client is not read. */
    private static final int WAITING_LIMIT = 64 * 1024;
    private static final int STALE_RETRIES = 2;

    protected final HttpExchange ex;
    protected final UpstreamPool pool;
    protected final EventLoop loop;
    private final boolean idempotent;
    private final long keyHash;
    private final long maxBody;

    private int retriesLeft;
    private int staleRetriesLeft = STALE_RETRIES;
    private BitSet tried;
    private UpstreamServer server;
    private UpstreamConnection conn;
    private UpstreamBackendHandler backend;
    private boolean headSent;
    private boolean requestSent;
    private boolean bodyForwarded;
    private boolean bodyEnded;
    private boolean responseStarted;
    private boolean upstreamPaused;
    private boolean clientPaused;
    private boolean done;
    private long bodyBytes;
    private ArrayDeque<HttpContent> waiting;
    private int waitingBytes;

    protected UpstreamExchange(HttpExchange ex, UpstreamPool pool) {
        this.ex = ex;
        this.pool = pool;
        this.loop = ex.channel().eventLoop();
        HttpRequest request = ex.request();
        this.idempotent = isIdempotent(request.method());
        this.keyHash = pool.keyHash() == null ? 0 : pool.keyHash().hash(request, ex.clientAddress());
        this.maxBody = ex.route().maxBody();
        this.retriesLeft = pool.config().retries();
    }

    /** RFC 9110 9.2.2. */
    static boolean isIdempotent(HttpMethod m) {
        return m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS)
                || m.equals(HttpMethod.PUT) || m.equals(HttpMethod.DELETE) || m.equals(HttpMethod.TRACE);
    }

    // ---- what the protocol client does ----

    /** Adds the protocol's codec and {@code backend} to a new connection's pipeline, before {@code pool}. */
    protected abstract void install(ChannelPipeline p, UpstreamBackendHandler backend);

    /** Writes (without flushing) the start of the request on a connection this attempt now holds. */
    protected abstract void sendHead(UpstreamConnection c);

    /**
     * Writes a body piece (released by the write) to {@link #connection()}, flushing when asked; calls
     * {@link #bodyForwarded()} when a byte went up, and after the last piece {@link #requestEnded()}, else
     * {@link #pauseClientIfBlocked(Channel)}.
     */
    protected abstract void forward(HttpContent piece, boolean last, boolean flush);

    /** A message from the upstream connection while this exchange uses it; the subclass releases it. */
    protected abstract void upstreamRead(Object msg);

    /** How the request is named in the log, after its method. */
    protected abstract String target();

    /** What is missing when no response head came in time, e.g. "no response head". */
    protected abstract String lateHead();

    /** The head and the body held so far are written and flushed on {@code c}. */
    protected void headFlushed(UpstreamConnection c) {
    }

    /** True when the body read so far cannot be taken: the subclass has answered already (see {@link #fail}). */
    protected boolean bodyRefused(long received) {
        return false;
    }

    /** True while the whole body is gathered before connecting: held pieces then do not pause the client. */
    protected boolean collectingBody() {
        return false;
    }

    /** True when the server answered on this attempt's connection: a failure then is not a stale connection. */
    protected boolean heardFromServer() {
        return false;
    }

    /** True when {@code cause} says the server speaks another protocol: 502 without a retry. */
    protected boolean brokeProtocol(Throwable cause) {
        return false;
    }

    /** Releases what the subclass holds; called once when the exchange is over. */
    protected void settled() {
    }

    // ---- the attempt ----

    /** Takes the request's body from now on and follows the client exchange; false when it is over already. */
    protected final boolean follow() {
        ex.onComplete(this::exchangeEnded);
        ex.onWritabilityChanged(this::clientWritabilityChanged);
        ex.receiveBody(this);
        if (ex.requestComplete() && !bodyEnded) {
            // A request that came whole (HTTP/2) without a body: no end piece will follow.
            content(LastHttpContent.EMPTY_LAST_CONTENT, true);
        }
        return !done;
    }

    /** Picks a server not tried yet and connects to it; {@code statusIfNone} when there is none. */
    protected final void attempt(int statusIfNone) {
        UpstreamServer s = pool.pick(loop, keyHash, tried);
        if (s == null) {
            fail(statusIfNone, tried == null ? "no server available" : "no other server available");
            return;
        }
        connectTo(s);
    }

    private void connectTo(UpstreamServer s) {
        server = s;
        s.begin();
        headSent = false;
        requestSent = false;
        pool.acquire(s, loop, this);
    }

    @Override
    public final void connected(UpstreamConnection c) {
        if (done) {
            // The client went away while connecting: the fresh connection is clean, keep it.
            endAttempt();
            c.release();
            return;
        }
        conn = c;
        backend = c.attachment();
        if (backend == null) {
            backend = new UpstreamBackendHandler();
            install(c.channel().pipeline(), backend);
            c.attach(backend);
        }
        backend.bind(this);
        Channel ch = c.channel();
        sendHead(c);
        headSent = true;
        if (waiting != null) {
            HttpContent piece;
            while (conn == c && (piece = waiting.poll()) != null) {
                waitingBytes -= piece.content().readableBytes();
                forward(piece, piece instanceof LastHttpContent, false);
            }
        }
        if (conn != c) {
            return;
        }
        if (bodyEnded && !requestSent) {
            // A retry of a request whose (empty) body already ended: end it again on this connection.
            forward(LastHttpContent.EMPTY_LAST_CONTENT, true, false);
        }
        ch.flush();
        headFlushed(c);
        if (clientPaused && ch.isWritable()) {
            clientPaused = false;
            ex.resumeReading();
        }
    }

    @Override
    public final void connectFailed(Throwable cause) {
        UpstreamServer s = server;
        endAttempt();
        if (done) {
            return;
        }
        String why = HealthProbe.describe(cause);
        s.connectionFailed(why);
        retryOrFail(s, cause instanceof ConnectTimeoutException ? 504 : 502, why);
    }

    // ---- request body, client to upstream ----

    @Override
    public void content(HttpContent content, boolean last) {
        if (done || !responseStarted && ex.responseStarted()) {
            // Answered already (by us, or by the dispatcher's 413): the rest of the body is dropped.
            content.release();
            if (!done) {
                abandon();
            }
            return;
        }
        bodyBytes += content.content().readableBytes();
        if (bodyBytes > maxBody) {
            content.release();
            if (responseStarted) {
                abandon();
                ex.abort();
            } else {
                fail(413, "body over " + maxBody + " bytes");
            }
            return;
        }
        if (bodyRefused(bodyBytes)) {
            content.release();
            return;
        }
        if (last) {
            bodyEnded = true;
        }
        if (conn == null) {
            hold(content);
            return;
        }
        forward(content, last, true);
    }

    private void hold(HttpContent content) {
        if (waiting == null) {
            waiting = new ArrayDeque<>(4);
        }
        waiting.add(content);
        waitingBytes += content.content().readableBytes();
        if (waitingBytes > WAITING_LIMIT && !clientPaused && !collectingBody()) {
            clientPaused = true;
            ex.pauseReading();
        }
    }

    /** A body byte went up: from now on only an idempotent request may be replayed. */
    protected final void bodyForwarded() {
        bodyForwarded = true;
    }

    /** The whole request went up: the response head is now awaited for {@code timeouts.response_header}. */
    protected final void requestEnded() {
        requestSent = true;
        if (!responseStarted) {
            backend.awaitHead(pool.config().timeouts().responseHeader().toMillis());
        }
    }

    /** Stops reading the client while the upstream connection {@code ch} cannot take more. */
    protected final void pauseClientIfBlocked(Channel ch) {
        if (!ch.isWritable() && !clientPaused) {
            clientPaused = true;
            ex.pauseReading();
        }
    }

    final void upstreamWritabilityChanged() {
        if (clientPaused && conn != null && conn.channel().isWritable()) {
            clientPaused = false;
            ex.resumeReading();
        }
    }

    @Override
    public final void aborted() {
        exchangeEnded();
    }

    // ---- response, upstream to client ----

    /** Sends the response head to the client: the response has started, the head timer is off. */
    protected final void respond(HttpResponse r) {
        cancelHeaderTimer();
        responseStarted = true;
        ex.write(r);
    }

    /** Stops reading the upstream while the client cannot take more of the response. */
    protected final void pauseUpstreamIfBlocked() {
        if (!ex.channel().isWritable() && !upstreamPaused) {
            upstreamPaused = true;
            conn.channel().config().setAutoRead(false);
        }
    }

    final void upstreamReadComplete() {
        if (responseStarted && !done) {
            ex.ctx().flush();
        }
    }

    private void clientWritabilityChanged() {
        if (upstreamPaused && conn != null && ex.channel().isWritable()) {
            upstreamPaused = false;
            conn.channel().config().setAutoRead(true);
        }
    }

    /**
     * The upstream's response ended: its connection goes back to the pool when {@code reusable} and the whole
     * request was sent (else it is mid-request, or the server wants it closed), and the exchange is over on
     * the upstream side. Call before writing the response's end, which may complete the exchange right away.
     */
    protected final void responseEnded(boolean reusable) {
        UpstreamConnection c = conn;
        conn = null;
        backend.unbind();
        if (reusable && requestSent) {
            c.release();
        } else {
            c.close();
        }
        endAttempt();
        settle();
    }

    /**
     * Takes the upstream connection out of its pool for good (a protocol switch): the exchange is over, and
     * the server's in-flight slot is held until the connection closes.
     */
    protected final UpstreamConnection detach() {
        cancelTimers();
        done = true;
        responseStarted = true;
        UpstreamConnection c = conn;
        UpstreamServer s = server;
        conn = null;
        server = null;
        backend.unbind();
        c.channel().closeFuture().addListener(f -> s.end());
        return c;
    }

    // ---- failures ----

    /** The upstream connection closed ({@code cause} null) or failed while this exchange used it. */
    protected final void upstreamFailed(Throwable cause) {
        if (done) {
            return;
        }
        UpstreamConnection c = conn;
        UpstreamServer s = server;
        closeUpstream();
        cancelTimers();
        endAttempt();
        if (responseStarted) {
            s.countFailure();
            settle();
            LOG.debug("upstream {}: {} broke off the response to {} {}", pool.name(), s.label(),
                    ex.request().method(), target());
            ex.abort();
            return;
        }
        String why = cause == null ? "closed the connection before answering" : HealthProbe.describe(cause);
        if (brokeProtocol(cause)) {
            s.countFailure();
            fail(502, s.label() + ": " + why);
            return;
        }
        if (c != null && c.reused() && !heardFromServer() && canReplay() && staleRetriesLeft > 0) {
            // Most likely a kept-alive connection the server had just closed: not the server's fault.
            staleRetriesLeft--;
            connectTo(s);
            return;
        }
        s.connectionFailed(why);
        retryOrFail(s, 502, why);
    }

    /** No traffic either way on the upstream connection for {@code timeouts.idle}. */
    final void upstreamIdle() {
        if (done) {
            return;
        }
        long idle = pool.config().timeouts().idle().toMillis();
        if (!requestSent) {
            // The client stopped sending its body.
            fail(408, "the client sent no body for " + idle + " ms");
        } else if (!responseStarted) {
            server.countFailure();
            fail(504, "no response within " + idle + " ms");
        } else {
            server.countFailure();
            abandon();
            ex.abort();
        }
    }

    /** No response head within {@code timeouts.response_header} of the request's end (see {@link #requestEnded}). */
    final void headerTimedOut() {
        if (done || responseStarted) {
            return;
        }
        server.countFailure();
        fail(504, lateHead() + " within " + pool.config().timeouts().responseHeader().toMillis() + " ms");
    }

    private boolean canReplay() {
        return !bodyForwarded && (idempotent || !headSent);
    }

    private void retryOrFail(UpstreamServer failed, int status, String why) {
        if (retriesLeft > 0 && canReplay() && !ex.responseStarted()) {
            retriesLeft--;
            if (tried == null) {
                tried = new BitSet(pool.servers().size());
            }
            tried.set(failed.index());
            LOG.debug("upstream {}: {} failed ({}), retrying {} {} on another server", pool.name(), failed.label(), why,
                    ex.request().method(), target());
            attempt(status);
        } else {
            fail(status, failed.label() + ": " + why);
        }
    }

    /** Gives up on the upstream side and answers {@code status}, or cuts a response already started. */
    protected final void fail(int status, String why) {
        abandon();
        if (status >= 500) {
            LOG.warn("upstream {}: {} for {} {}: {}", pool.name(), status, ex.request().method(), target(), why);
        }
        if (!ex.responseStarted()) {
            // With the body still coming, close rather than read the rest just to drop it.
            ErrorResponses.send(ex, status, null, !bodyEnded);
        } else if (!ex.responseComplete()) {
            ex.abort();
        }
    }

    /** Gives up on the upstream side: nothing more will be sent or read for this exchange. */
    protected final void abandon() {
        closeUpstream();
        endAttempt();
        settle();
    }

    /** The client exchange ended: response written, or the client went away. */
    private void exchangeEnded() {
        if (!done) {
            abandon();
        }
    }

    /** This exchange is over: timers off, everything it holds released. */
    private void settle() {
        done = true;
        cancelTimers();
        if (waiting != null) {
            HttpContent c;
            while ((c = waiting.poll()) != null) {
                c.release();
            }
            waitingBytes = 0;
        }
        settled();
    }

    private void closeUpstream() {
        if (conn != null) {
            backend.unbind();
            conn.close();
            conn = null;
        }
    }

    private void endAttempt() {
        if (server != null) {
            server.end();
            server = null;
        }
    }

    /** Cancels this exchange's timers; a subclass with timers of its own cancels them too. */
    protected void cancelTimers() {
        cancelHeaderTimer();
    }

    private void cancelHeaderTimer() {
        if (conn != null) {
            backend.headArrived();
        }
    }

    // ---- state the protocol client reads ----

    /** True once the exchange is over on the upstream side. */
    protected final boolean done() {
        return done;
    }

    protected final boolean responseStarted() {
        return responseStarted;
    }

    /** Body bytes received from the client so far. */
    protected final long bodyBytes() {
        return bodyBytes;
    }

    /** The server of the current attempt, null between attempts. */
    protected final UpstreamServer server() {
        return server;
    }

    /** The connection of the current attempt, null while connecting or after it ended. */
    protected final UpstreamConnection connection() {
        return conn;
    }
}
