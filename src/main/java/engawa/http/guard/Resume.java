package engawa.http.guard;

import engawa.http.HttpExchange;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Continues an exchange on its connection's event loop after a guard waited for work done elsewhere (a
 * password check on a virtual thread). Does nothing when the client has gone meanwhile: the connection's
 * close already completed the exchange. A failure in the next step is answered as the dispatcher would: 500
 * when nothing was sent yet, else the connection is closed.
 */
final class Resume {
    private static final Logger LOG = LoggerFactory.getLogger(Resume.class);

    private Resume() {
    }

    static void onEventLoop(HttpExchange ex, Runnable step) {
        try {
            ex.ctx().executor().execute(() -> {
                if (!ex.channel().isActive()) {
                    return;
                }
                try {
                    step.run();
                } catch (RuntimeException e) {
                    LOG.error("handler of {} {} failed on {} {}", ex.site().name(), ex.route().name(),
                            ex.request().method(), ex.path().raw(), e);
                    if (!ex.responseStarted()) {
                        ex.sendError(500, true);
                    } else {
                        ex.abort();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            // The event loop is shutting down, and with it the connection.
        }
    }
}
