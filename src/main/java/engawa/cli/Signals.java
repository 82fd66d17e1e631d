package engawa.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** SIGHUP to reload and SIGTERM to drain, as nginx users expect; absent on platforms without them. */
final class Signals {
    private static final Logger LOG = LoggerFactory.getLogger(Signals.class);

    private Signals() {
    }

    /**
     * SIGTERM and SIGINT: the first runs {@code drain} (the caller then returns and the process exits 0,
     * instead of the JVM's default exit status 143); a second one while draining exits at once with 1.
     */
    static void onTerminate(Runnable drain) {
        AtomicBoolean draining = new AtomicBoolean();
        SignalHandler handler = sig -> {
            if (draining.compareAndSet(false, true)) {
                LOG.info("SIG{}: draining (send it again to stop at once)", sig.getName());
                Thread.ofVirtual().start(drain);
            } else {
                LOG.warn("SIG{} again: stopping without waiting", sig.getName());
                Runtime.getRuntime().halt(1);
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), handler);
            } catch (IllegalArgumentException e) {
                LOG.info("SIG{} not available here", name);
            }
        }
    }

    static void onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), sig -> Thread.ofVirtual().start(action));
        } catch (IllegalArgumentException e) {
            LOG.info("SIGHUP not available here: reload with engawa apply");
        }
    }
}
