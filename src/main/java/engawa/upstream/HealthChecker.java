package engawa.upstream;

import engawa.config.UpstreamConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a pool's active checks: each server is probed on an event loop of its own (spread over the
 * loops), one probe at a time, the next {@code interval} after the previous one ended. Stopping takes
 * effect at the next tick; results that arrive after it are dropped.
 */
final class HealthChecker {
    private final List<UpstreamServer> servers;
    private final UpstreamConfig.HealthCheck check;
    private final HealthProbe probe;
    private volatile boolean stopped;

    HealthChecker(List<UpstreamServer> servers, UpstreamConfig.HealthCheck check, HealthProbe probe) {
        this.servers = servers;
        this.check = check;
        this.probe = probe;
    }

    void start(EventLoopGroup workers) {
        for (UpstreamServer s : servers) {
            EventLoop loop = (EventLoop) workers.next();
            loop.execute(() -> run(s, loop));
        }
    }

    void stop() {
        stopped = true;
    }

    private void run(UpstreamServer server, EventLoop loop) {
        if (stopped || loop.isShuttingDown()) {
            return;
        }
        probe.probe(server, loop).addListener(f -> {
            if (stopped) {
                return;
            }
            HealthProbe.Result r = (HealthProbe.Result) f.getNow();
            server.checked(r.ok(), r.detail());
            if (!loop.isShuttingDown()) {
                loop.schedule(() -> run(server, loop), check.interval().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }
}
