package engawa.tunnel.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;

/**
 * Keep-alive HTTP/1.1 connections to the local service ({@code --host}:PORT), so a busy tunnel does not
 * open a connection per request. At most {@link #MAX_IDLE} wait idle. Single-threaded: everything runs on
 * the client's one event loop.
 */
final class LocalPool {
    static final int MAX_IDLE = 64;
    /**
     * Idle connections older than this are not reused: many servers close idle keep-alive connections after
     * about 5 s (Node's default), and a request sent just as one closes would fail for nothing.
     */
    static final long IDLE_NANOS = 4_000_000_000L;

    private final EventLoop loop;
    private final Class<? extends Channel> channelType;
    private final String host;
    private final int port;
    private final ArrayDeque<LocalConnection> idle = new ArrayDeque<>();

    LocalPool(EventLoop loop, Class<? extends Channel> channelType, String host, int port) {
        this.loop = loop;
        this.channelType = channelType;
        this.host = host;
        this.port = port;
    }

    String target() {
        return host + ":" + port;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    /** An idle connection, or a new one; fails when the local service cannot be reached. */
    Future<LocalConnection> acquire() {
        return acquire(false);
    }

    /** As {@link #acquire()}; {@code fresh} skips the idle ones (a retry after a reused one failed). */
    Future<LocalConnection> acquire(boolean fresh) {
        LocalConnection c;
        long now = System.nanoTime();
        while (!fresh && (c = idle.pollLast()) != null) {
            if (c.usable() && now - c.idleSince() < IDLE_NANOS) {
                return loop.newSucceededFuture(c);
            }
            c.channel().close();
        }
        Promise<LocalConnection> promise = loop.newPromise();
        LocalConnection created = new LocalConnection(this);
        connect(false).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(LocalConnection.CODEC, LocalConnection.codec());
                ch.pipeline().addLast("local", created);
            }
        }).connect(host, port).addListener(f -> {
            if (f.isSuccess()) {
                promise.setSuccess(created);
            } else {
                promise.setFailure(f.cause());
            }
        });
        return promise;
    }

    /** A bootstrap for a raw connection to the local service (TCP tunnels), reading off until told. */
    Bootstrap connect(boolean halfClosure) {
        return new Bootstrap()
                .group(loop)
                .channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 5000)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.ALLOW_HALF_CLOSURE, halfClosure);
    }

    void release(LocalConnection c) {
        if (idle.size() >= MAX_IDLE) {
            c.channel().close();
        } else {
            idle.addLast(c);
        }
    }

    void forget(LocalConnection c) {
        idle.remove(c);
    }

    void close() {
        LocalConnection c;
        while ((c = idle.poll()) != null) {
            c.channel().close();
        }
    }
}
