package engawa.http.guard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real application server (the JDK's) on {@code 127.0.0.1:0} that holds every request until the test
 * lets it answer: as slow as each step of a test needs, without timing. Answers 200 with the request's
 * path as the body.
 */
final class HeldUpstream implements AutoCloseable {

    /** A request the upstream is holding. */
    static final class Held {
        private final String path;
        private final CountDownLatch answer = new CountDownLatch(1);

        private Held(String path) {
            this.path = path;
        }

        String path() {
            return path;
        }

        /** Lets the upstream answer this request. */
        void release() {
            answer.countDown();
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final LinkedBlockingQueue<Held> arrived = new LinkedBlockingQueue<>();

    HeldUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 128);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::serve);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next request that reached the upstream, in arrival order; fails after {@code seconds}. */
    Held next(int seconds) {
        try {
            Held h = arrived.poll(seconds, TimeUnit.SECONDS);
            if (h == null) {
                throw new AssertionError("no request reached the upstream within " + seconds + "s");
            }
            return h;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private void serve(HttpExchange ex) throws IOException {
        Held h = new Held(ex.getRequestURI().getPath());
        arrived.add(h);
        try {
            if (!h.answer.await(5, TimeUnit.MINUTES)) {
                ex.close();
                return;
            }
        } catch (InterruptedException e) {
            ex.close();
            return;
        }
        byte[] body = h.path.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(200, body.length);
        ex.getResponseBody().write(body);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
