package engawa.tunnel.client;

import engawa.config.BindAddress;
import engawa.net.Transport;
import engawa.tunnel.Hello;
import engawa.tunnel.HelloReply;
import engawa.tunnel.Refusal;
import engawa.tunnel.TunnelKind;
import engawa.tunnel.TunnelProtocol;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code engawa tunnel}: exposes a local port at a public name through an Engawa edge. Dials the edge's
 * tunnel listener over TLS 1.3, authenticates with the token, then answers the streams the edge opens, one
 * per public request (or TCP connection), from the local service. When the link drops it reconnects with
 * backoff (0.25 s doubling to 30 s, with jitter) and asks for the same name, which the edge keeps for its
 * token during the grace period. A refusal on the first connection (wrong token, name not allowed, name
 * taken) is final; after having been online, only refusals that may pass (name still held by our previous
 * link, no free port) are retried.
 *
 * <p>Everything (link, local connections, inspector) runs on one event loop thread; {@link Events} are
 * called there.
 */
public final class TunnelClient implements AutoCloseable {

    /**
     * What to expose and where.
     *
     * @param serverName the name the edge's certificate must carry (default: {@code serverHost})
     * @param name       the tunnel name to claim, or null to be given one
     * @param inspect    where to serve the inspector page, or null for none
     */
    public record Options(String serverHost, int serverPort, String serverName, String token, String name, TunnelKind kind,
                          String localHost, int localPort, Path caFile, boolean exclusive, String basicAuth,
                          List<String> allow, BindAddress inspect) {
        public Options {
            allow = allow == null ? List.of() : List.copyOf(allow);
        }
    }

    /** What the client tells whoever runs it; called on the client's event loop, must not block long. */
    public interface Events {
        /** The tunnel is open; {@code again} after a reconnect. */
        void online(HelloReply reply, boolean again);

        /** The link is down; the next attempt is in {@code retryIn}. */
        void offline(String why, Duration retryIn);

        /** A request (or TCP connection) was carried. */
        void request(RequestLine line);

        /** The inspector page is up at {@code url}. */
        default void inspector(String url) {
        }
    }

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Options options;
    private final Events events;
    private final Transport transport;
    private final EventLoopGroup group;
    private final EventLoop loop;
    private final SslContext tls;
    private final LocalPool pool;
    private final ClientContext context;
    private final InspectorServer inspectorServer;
    private final CompletableFuture<HelloReply> firstOnline = new CompletableFuture<>();
    private final CompletableFuture<Refusal> ended = new CompletableFuture<>();
    private volatile String name;
    private volatile Channel link;
    private volatile boolean closed;
    private boolean online;
    private boolean everOnline;
    private int attempts;
    private String reason;

    public TunnelClient(Options options, Events events) {
        this.options = options;
        this.events = events;
        this.tls = ClientTls.context(options.caFile());
        this.transport = Transport.detect();
        this.group = transport.newGroup("engawa-tunnel", 1);
        this.loop = group.next();
        this.name = options.name();
        this.pool = new LocalPool(loop, transport.socketChannel(), options.localHost(), options.localPort());
        Inspector inspector = null;
        InspectorServer server = null;
        if (options.inspect() != null) {
            inspector = new Inspector(pool, loop, events::request);
            try {
                server = new InspectorServer(options.inspect(), loop, transport.serverChannel(), inspector);
            } catch (RuntimeException e) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
                throw new IllegalArgumentException("--inspect " + options.inspect() + ": cannot listen there: " + e.getMessage(), e);
            }
        }
        this.inspectorServer = server;
        this.context = new ClientContext(options.kind(), pool, inspector, events::request);
    }

    /** Starts connecting; returns at once. */
    public TunnelClient start() {
        if (inspectorServer != null) {
            loop.execute(() -> events.inspector("http://" + hostForUrl(options.inspect()) + ":" + inspectorServer.port()));
        }
        loop.execute(this::connect);
        return this;
    }

    /** Completes with the edge's answer when first online; exceptionally with the {@link Refusal} when refused for good. */
    public CompletableFuture<HelloReply> firstOnline() {
        return firstOnline;
    }

    /** Completes when the client gave up for good (with the refusal), or was closed (with null). */
    public CompletableFuture<Refusal> ended() {
        return ended;
    }

    /** The tunnel's name once the edge gave it (or the name asked for). */
    public String name() {
        return name;
    }

    /** The inspector page's port, 0 without one. */
    public int inspectorPort() {
        return inspectorServer == null ? 0 : inspectorServer.port();
    }

    /** True while the link is up and the tunnel open. */
    public boolean online() {
        return link != null && link.isActive() && online;
    }

    Hello hello() {
        return new Hello(options.token(), name, options.kind(), options.exclusive(), options.basicAuth(), options.allow());
    }

    ClientContext context() {
        return context;
    }

    /** Notes why the link is about to close, for the offline message. */
    void reason(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    void online(HelloReply reply) {
        name = reply.name();
        attempts = 0;
        online = true;
        boolean again = everOnline;
        everOnline = true;
        events.online(reply, again);
        firstOnline.complete(reply);
    }

    void refused(Refusal refusal) {
        if (!everOnline || !refusal.transientForReconnect()) {
            giveUp(refusal);
        } else {
            reason(refusal.getMessage());
        }
    }

    void tlsFailed(Throwable cause) {
        String why = "TLS with " + options.serverHost() + ":" + options.serverPort() + " failed: "
                + (cause.getMessage() == null ? cause.toString() : cause.getMessage());
        if (!everOnline && cause instanceof javax.net.ssl.SSLHandshakeException) {
            giveUp(new Refusal("tls", why));
        } else {
            reason(why);
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        reason = null;
        online = false;
        String verifyName = options.serverName() != null ? options.serverName() : options.serverHost();
        ChannelFuture f = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler ssl = tls.newHandler(ch.alloc(), verifyName, options.serverPort());
                        ssl.setHandshakeTimeoutMillis(10_000);
                        ch.pipeline().addLast("tls", ssl);
                        ch.pipeline().addLast("reply", new LengthFieldBasedFrameDecoder(TunnelProtocol.MAX_HANDSHAKE + 2, 0, 2, 0, 2));
                        ch.pipeline().addLast("link", new LinkHandler(TunnelClient.this));
                    }
                })
                .connect(options.serverHost(), options.serverPort());
        Channel ch = f.channel();
        link = ch;
        f.addListener(done -> {
            if (!done.isSuccess()) {
                reason("cannot connect to " + options.serverHost() + ":" + options.serverPort() + ": " + done.cause().getMessage());
            }
        });
        // An edge that never answers the handshake is as good as down.
        loop.schedule(() -> {
            if (link == ch && !online && ch.isActive()) {
                reason("no answer to the handshake");
                ch.close();
            }
        }, 20, TimeUnit.SECONDS);
        ch.closeFuture().addListener(c -> disconnected(ch));
    }

    private void disconnected(Channel ch) {
        if (link != ch) {
            return;
        }
        boolean wasOnline = online;
        online = false;
        if (closed || ended.isDone()) {
            return;
        }
        long base = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(attempts, 10));
        attempts++;
        long jitter = ThreadLocalRandom.current().nextLong(base / 5 + 1);
        Duration delay = Duration.ofMillis(wasOnline && attempts == 1 ? base / 2 : base + jitter);
        events.offline(reason == null ? "the link closed" : reason, delay);
        loop.schedule(this::connect, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void giveUp(Refusal refusal) {
        ended.complete(refusal);
        firstOnline.completeExceptionally(refusal);
    }

    /** Ends the tunnel: GOAWAY to the edge (streams in flight get a few seconds), then stops everything. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.execute(() -> {
            pool.close();
            if (inspectorServer != null) {
                inspectorServer.close();
            }
            Channel ch = link;
            if (ch != null) {
                ch.close();
            }
        });
        Channel ch = link;
        if (ch != null) {
            ch.closeFuture().awaitUninterruptibly(6, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        ended.complete(null);
        firstOnline.completeExceptionally(new IllegalStateException("closed"));
    }

    private static String hostForUrl(BindAddress a) {
        if (a.host().isEmpty()) {
            return "127.0.0.1";
        }
        return a.host().contains(":") ? "[" + a.host() + "]" : a.host();
    }
}
