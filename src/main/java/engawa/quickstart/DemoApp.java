package engawa.quickstart;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executors;

/**
 * The quickstart's application server: a tiny JSON API on 127.0.0.1 (where application servers belong,
 * behind the edge), with a health check. Two run side by side so the demo shows balancing.
 */
public final class DemoApp implements AutoCloseable {
    private final HttpServer server;
    private final String name;

    private DemoApp(HttpServer server, String name) {
        this.server = server;
        this.name = name;
    }

    public static DemoApp start(String name) {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            DemoApp app = new DemoApp(s, name);
            s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            s.createContext("/healthz", ex -> app.reply(ex, 200, "text/plain", "ok\n"));
            s.createContext("/", ex -> {
                String forwardedFor = ex.getRequestHeaders().getFirst("X-Forwarded-For");
                String json = "{\"message\": \"hello from the demo app\", \"served_by\": \"" + name + "\", "
                        + "\"path\": \"" + escape(ex.getRequestURI().toString()) + "\", "
                        + "\"x_forwarded_for\": \"" + escape(String.valueOf(forwardedFor)) + "\", "
                        + "\"time\": \"" + Instant.now() + "\"}\n";
                app.reply(ex, 200, "application/json", json);
            });
            s.start();
            return app;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String name() {
        return name;
    }

    private void reply(com.sun.net.httpserver.HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, ex.getRequestMethod().equals("HEAD") ? -1 : bytes.length);
        if (!ex.getRequestMethod().equals("HEAD")) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
