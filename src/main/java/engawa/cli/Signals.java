package engawa.cli;

import org.slf4j.LoggerFactory;

/** SIGHUP to reload, as nginx users expect; absent on platforms without it. */
final class Signals {

    private Signals() {
    }

    static void onHangup(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> Thread.ofVirtual().start(action));
        } catch (IllegalArgumentException e) {
            LoggerFactory.getLogger(Signals.class).info("SIGHUP not available here: reload with engawa apply");
        }
    }
}
