package engawa.http;

import engawa.snapshot.Snapshot;
import io.netty.buffer.ByteBufHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.stream.ChunkedInput;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * One request and its response on one connection: what was asked (the request head, its normalized path,
 * the site and route chosen), who asked (client address, scheme), and the way to answer. Lives on the
 * connection's event loop; not thread-safe.
 *
 * <p>Writes go through {@link #write} so that the exchange sees the status, counts the bytes and knows
 * when the response is complete; completion runs the {@link #onComplete} callbacks (limits release their
 * slot there) and the access log.
 */
public final class HttpExchange {
    /** Above this much unclaimed body, stop reading from the client until a receiver takes it. */
    private static final int BUFFER_LIMIT = 64 * 1024;

    private final ChannelHandlerContext ctx;
    private final HttpRequest request;
    private final Snapshot snapshot;
    private final RequestPath path;
    private final InetAddress clientAddress;
    private final boolean secure;
    private final long startNanos;
    private final RequestDispatcher dispatcher;

    private Site site;
    private Route route;
    private int status;
    private long bytesSent;
    private boolean responseStarted;
    private boolean responseComplete;
    private boolean requestComplete;
    private boolean aborted;
    private BodyReceiver receiver;
    private ArrayDeque<HttpContent> unclaimed;
    private int unclaimedBytes;
    private List<Runnable> completions;
    private Runnable writabilityListener;
    private long bodyBytes;

    HttpExchange(ChannelHandlerContext ctx, RequestDispatcher dispatcher, HttpRequest request, RequestPath path,
                 Snapshot snapshot, InetAddress clientAddress, boolean secure, boolean requestComplete) {
        this.ctx = ctx;
        this.dispatcher = dispatcher;
        this.request = request;
        this.path = path;
        this.snapshot = snapshot;
        this.clientAddress = clientAddress;
        this.secure = secure;
        this.requestComplete = requestComplete;
        this.startNanos = System.nanoTime();
    }

    public HttpRequest request() {
        return request;
    }

    /** The decoded, dot-segment-free path used for routing; see {@link RequestPath}. */
    public RequestPath path() {
        return path;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    public Site site() {
        return site;
    }

    public Route route() {
        return route;
    }

    void route(Site site, Route route) {
        this.site = site;
        this.route = route;
    }

    public InetAddress clientAddress() {
        return clientAddress;
    }

    /** True when the request came over TLS. */
    public boolean secure() {
        return secure;
    }

    public Channel channel() {
        return ctx.channel();
    }

    /** The context to write through and to take the event loop and allocator from. */
    public ChannelHandlerContext ctx() {
        return ctx;
    }

    /** True when responses may use sendfile: plain HTTP/1.x on the native or NIO socket, no TLS. */
    public boolean zeroCopy() {
        return !secure && dispatcher.zeroCopy();
    }

    public long startNanos() {
        return startNanos;
    }

    /** The status sent, 0 before the response head is written. */
    public int status() {
        return status;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public boolean responseStarted() {
        return responseStarted;
    }

    public boolean responseComplete() {
        return responseComplete;
    }

    public boolean requestComplete() {
        return requestComplete;
    }

    /** Runs when the response is complete or the exchange is aborted, on the event loop. */
    public void onComplete(Runnable callback) {
        if (completions == null) {
            completions = new ArrayList<>(2);
        }
        completions.add(callback);
    }

    /**
     * Writes part of the response: the head ({@code HttpResponse}), content, a {@code FileRegion}, or the
     * end ({@code LastHttpContent}); a {@code FullHttpResponse} is head and end at once. Does not flush.
     */
    public ChannelFuture write(Object msg) {
        return write(msg, false);
    }

    public ChannelFuture writeAndFlush(Object msg) {
        return write(msg, true);
    }

    private ChannelFuture write(Object msg, boolean flush) {
        if (msg instanceof HttpResponse response) {
            status = response.status().code();
            responseStarted = true;
            if (dispatcher.draining()) {
                HttpUtil.setKeepAlive(response, false);
            }
        }
        if (msg instanceof ByteBufHolder holder) {
            bytesSent += holder.content().readableBytes();
        } else if (msg instanceof FileRegion region) {
            bytesSent += region.count();
        } else if (msg instanceof ChunkedInput<?> input && input.length() > 0) {
            bytesSent += input.length();
        }
        if (msg instanceof LastHttpContent) {
            ChannelPromise promise = ctx.newPromise();
            promise.addListener((ChannelFutureListener) f -> dispatcher.responseWritten(this, f.isSuccess()));
            responseComplete = true;
            ctx.write(msg, promise);
            if (flush) {
                ctx.flush();
            }
            dispatcher.responseComplete(this);
            return promise;
        }
        return flush ? ctx.writeAndFlush(msg) : ctx.write(msg);
    }

    /** Sends a short error page with this status, closing the connection when {@code close} is set. */
    public void sendError(int statusCode, boolean close) {
        ErrorResponses.send(this, statusCode, null, close);
    }

    public void sendError(int statusCode) {
        sendError(statusCode, false);
    }

    /**
     * Gives up on the exchange: closes the connection, which is the only honest thing once a response
     * has started and cannot be finished.
     */
    public void abort() {
        if (aborted) {
            return;
        }
        aborted = true;
        ctx.channel().close();
        dispatcher.aborted(this);
    }

    /**
     * Answers with {@code switching} (101 Switching Protocols) and hands the connection over: {@code relay}
     * takes the HTTP codec's place and gets every byte that follows, including any the codec had read
     * ahead. Only an HTTP/1.1 connection can switch; elsewhere this returns false and writes nothing.
     */
    public boolean switchProtocols(HttpResponse switching, io.netty.channel.ChannelHandler relay) {
        var pipeline = ctx.pipeline();
        if (!(pipeline.get("codec") instanceof io.netty.handler.codec.http.HttpServerCodec)) {
            return false;
        }
        writeAndFlush(switching);
        pipeline.addBefore(ctx.name(), "switched", relay);
        for (String name : new String[] {"keepalive", "chunked", "codec"}) {
            if (pipeline.get(name) != null) {
                pipeline.remove(name);
            }
        }
        ctx.channel().config().setAutoRead(true);
        return true;
    }

    /**
     * Hands the request body to {@code receiver}: what arrived before is delivered now, the rest as it
     * comes. Without a receiver, a body is read and dropped once the response is complete.
     */
    public void receiveBody(BodyReceiver receiver) {
        this.receiver = receiver;
        if (unclaimed != null) {
            HttpContent c;
            while ((c = unclaimed.poll()) != null) {
                boolean last = c instanceof LastHttpContent;
                receiver.content(c, last);
            }
            unclaimedBytes = 0;
            dispatcher.resumeReading();
        }
    }

    /** Runs on the event loop whenever the client connection's writability flips (response back-pressure). */
    public void onWritabilityChanged(Runnable listener) {
        this.writabilityListener = listener;
    }

    void writabilityChanged() {
        if (writabilityListener != null) {
            writabilityListener.run();
        }
    }

    /** Adds to the request body bytes seen so far and returns the total. */
    long countBody(int bytes) {
        bodyBytes += bytes;
        return bodyBytes;
    }

    /** Stops reading from the client (back-pressure: the upstream is not keeping up). */
    public void pauseReading() {
        ctx.channel().config().setAutoRead(false);
    }

    public void resumeReading() {
        dispatcher.resumeReading();
    }

    void content(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (last) {
            requestComplete = true;
        }
        if (receiver != null) {
            receiver.content(content, last);
        } else if (responseComplete || aborted) {
            content.release();
        } else {
            if (unclaimed == null) {
                unclaimed = new ArrayDeque<>(4);
            }
            unclaimed.add(content);
            unclaimedBytes += content.content().readableBytes();
            if (unclaimedBytes > BUFFER_LIMIT) {
                pauseReading();
            }
        }
    }

    void closed() {
        if (receiver != null && !requestComplete) {
            receiver.aborted();
        }
        releaseUnclaimed();
    }

    void releaseUnclaimed() {
        if (unclaimed != null) {
            HttpContent c;
            while ((c = unclaimed.poll()) != null) {
                c.release();
            }
            unclaimedBytes = 0;
        }
    }

    void runCompletions() {
        if (completions != null) {
            List<Runnable> run = completions;
            completions = null;
            for (Runnable r : run) {
                r.run();
            }
        }
    }

    boolean aborted() {
        return aborted;
    }
}
