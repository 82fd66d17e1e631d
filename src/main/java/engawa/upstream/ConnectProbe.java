package engawa.upstream;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Healthy when a connection opens within the timeout, then closes it: the check of FastCGI pools, whose
 * servers have no health path to ask for (a request would run a script), and whose listening socket
 * accepting is what tells a live PHP-FPM from a stopped one.
 */
final class ConnectProbe implements HealthProbe {
    private final Duration timeout;
    private final UpstreamPool.Settings settings;

    ConnectProbe(Duration timeout, UpstreamPool.Settings settings) {
        this.timeout = timeout;
        this.settings = settings;
    }

    @Override
    public Future<Result> probe(UpstreamServer server, EventLoop loop) {
        SocketAddress address = settings.address(server);
        if (address == null) {
            return HealthProbe.unresolved(server, loop);
        }
        Promise<Result> result = loop.newPromise();
        long start = System.nanoTime();
        settings.bootstrap(server, loop, timeout)
                .handler(new ChannelInboundHandlerAdapter())
                .connect(address)
                .addListener((io.netty.channel.ChannelFutureListener) f -> {
                    if (f.isSuccess()) {
                        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        result.setSuccess(new Result(true, "connected in " + ms + " ms"));
                        f.channel().close();
                    } else {
                        result.setSuccess(new Result(false, HealthProbe.describe(f.cause())));
                    }
                });
        return result;
    }
}
