package engawa.upstream;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;

/**
 * Keep-alive connections to one server from one event loop: connections are opened on the loop of the
 * client connection that needs them (no cross-thread hops), reused most-recent first, and closed after
 * {@code timeouts.idle} unused or when the server closes them. Confined to its event loop: no locks.
 *
 * <p>Each connection's pipeline starts as {@code idle} (an {@link IdleWatchHandler}: no traffic either
 * way for {@code idle} closes a pooled connection and tells the protocol client of a leased one) and
 * {@code pool} (bookkeeping, last); the protocol client adds its codec and handler before {@code pool}.
 */
final class ConnectionPool {
    /** Idle connections kept per server and event loop; more are closed when released. */
    static final int MAX_IDLE = 128;

    static final AttributeKey<UpstreamConnection> CONNECTION = AttributeKey.valueOf("engawa.upstream.connection");

    private final UpstreamServer server;
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final UpstreamPool owner;
    private final UpstreamPool.Settings settings;
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    private boolean stopped;

    ConnectionPool(UpstreamServer server, EventLoop loop, UpstreamPool.Settings settings, UpstreamPool owner) {
        this.server = server;
        this.loop = loop;
        this.owner = owner;
        this.settings = settings;
        long idleMillis = settings.config().timeouts().idle().toMillis();
        boolean inet = server.host() != null;
        this.bootstrap = settings.bootstrap(server, loop, settings.config().timeouts().connect())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        UpstreamConnection c = new UpstreamConnection(ch, ConnectionPool.this);
                        ch.attr(CONNECTION).set(c);
                        if (server.tls()) {
                            ch.pipeline().addLast("tls", tlsHandler(owner, server, ch));
                        }
                        ch.pipeline().addLast("idle", new IdleWatchHandler(idleMillis));
                        ch.pipeline().addLast("pool", new PoolEntryHandler(c));
                    }
                });
        if (inet) {
            bootstrap.option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.SO_KEEPALIVE, true);
        }
    }

    UpstreamServer server() {
        return server;
    }

    /** An idle connection if one is still open, else a new one; the callback runs on this loop. */
    void acquire(ConnectionCallback callback) {
        UpstreamConnection c;
        while ((c = idle.pollLast()) != null) {
            if (c.channel().isActive()) {
                c.lease();
                callback.connected(c);
                return;
            }
        }
        // A stopped pool still connects (a request begun on the previous revision may retry after a
        // reload): the connection just is not kept afterwards.
        SocketAddress address = settings.address(server);
        if (address == null) {
            callback.connectFailed(new ConnectException("cannot resolve " + server.host()));
            return;
        }
        ChannelFuture f = bootstrap.connect(address);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                callback.connectFailed(done.cause());
                return;
            }
            SslHandler tls = f.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
                ready(f.channel(), callback);
                return;
            }
            // Over TLS, a connection is ready once the server proved who it is: a failed handshake is a
            // failed connect (nothing of the request went out).
            tls.handshakeFuture().addListener(hs -> {
                if (hs.isSuccess()) {
                    ready(f.channel(), callback);
                } else {
                    f.channel().close();
                    callback.connectFailed(hs.cause());
                }
            });
        });
    }

    private static void ready(Channel ch, ConnectionCallback callback) {
        UpstreamConnection fresh = ch.attr(CONNECTION).get();
        fresh.lease();
        callback.connected(fresh);
    }

    /** The TLS client side for an {@code https://} server: SNI and certificate check by the URL's host name. */
    static SslHandler tlsHandler(UpstreamPool owner, UpstreamServer server, Channel ch) {
        SslContext context = owner.tls();
        if (context == null) {
            throw new IllegalStateException("no TLS client context for upstream " + server.upstream());
        }
        String host = server.host().startsWith("[") ? server.host().substring(1, server.host().length() - 1) : server.host();
        return context.newHandler(ch.alloc(), host, server.port());
    }

    void release(UpstreamConnection c) {
        Channel ch = c.channel();
        if (stopped || owner.stopped() || !ch.isActive() || idle.size() >= MAX_IDLE) {
            ch.close();
            return;
        }
        ch.config().setAutoRead(true);
        idle.addLast(c);
    }

    /** Closes idle connections and those released from now on. Runs on the loop. */
    void stop() {
        stopped = true;
        closeIdle();
    }

    /** Closes the connections idle now. Runs on the loop. */
    void closeIdle() {
        UpstreamConnection c;
        while ((c = idle.poll()) != null) {
            c.channel().close();
        }
    }

    int idleCount() {
        return idle.size();
    }

    /** Bookkeeping for pooled connections: drop closed ones, close idle ones that time out or talk out of turn. */
    private final class PoolEntryHandler extends ChannelDuplexHandler {
        private final UpstreamConnection connection;

        PoolEntryHandler(UpstreamConnection connection) {
            this.connection = connection;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
            if (!connection.leased()) {
                // A server has nothing to say between requests: the connection is in an unknown state.
                ctx.close();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent && !connection.leased()) {
                ctx.close();
            }
            ReferenceCountUtil.release(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.remove(connection);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    @Override
    public String toString() {
        return server + " on " + loop + (server.address() instanceof InetSocketAddress a ? " " + a : "");
    }
}
