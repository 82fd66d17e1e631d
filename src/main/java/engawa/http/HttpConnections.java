package engawa.http;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;

/**
 * Every open client connection of the HTTP listeners, so that shutdown can drain them: stop accepting,
 * let each finish the exchange in flight (its response says Connection: close), close idle ones at once,
 * and close whatever is left when the drain timeout passes.
 */
public final class HttpConnections {
    /** Fired through a connection's pipeline when draining starts. */
    static final Object DRAIN = new Object();

    private final ChannelGroup channels = new DefaultChannelGroup("http", GlobalEventExecutor.INSTANCE);
    private volatile boolean draining;

    public void add(Channel channel) {
        channels.add(channel);
    }

    public boolean draining() {
        return draining;
    }

    public int size() {
        return channels.size();
    }

    /** Drains every connection, waiting up to {@code timeout}; returns how many had to be cut. */
    public int drain(Duration timeout) {
        draining = true;
        for (Channel c : channels) {
            c.eventLoop().execute(() -> c.pipeline().fireUserEventTriggered(DRAIN));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!channels.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int cut = channels.size();
        channels.close().awaitUninterruptibly(2000);
        return cut;
    }
}
