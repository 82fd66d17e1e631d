package engawa.http.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.config.ConfigDocument;
import engawa.testing.Http;
import engawa.testing.TestServer;
import engawa.testing.TwoUpstreams;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Revisions that replace the upstream pool each time, applied while clients keep sending: nothing is lost. */
class ProxyReloadIT extends TwoUpstreams {

    @BeforeEach
    void start() {
        t = TestServer.start(config(0));
    }

    private String config(int revision) {
        // retries alternates, so every revision has a changed pool: a new one starts, the old one retires.
        return """
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  app:
                    servers: ["%s", "%s"]
                    retries: %d
                    health_check: {path: /healthz, interval: 500ms, timeout: 3s, fall: 3, rise: 1}
                sites:
                  s:
                    hosts: [app.test]
                    routes:
                      - {path: /, proxy: app}
                """.formatted(a.url(), b.url(), 1 + revision % 2);
    }

    @Test
    void fiftyPoolReplacingReloadsUnderLoadLoseNoRequest() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            boolean posts = c % 2 == 1;
            clients.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 20_000 && running.get(); i++) {
                    try {
                        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(t.httpUrl() + "/upload")).header("Host", "app.test");
                        if (posts) {
                            r.POST(HttpRequest.BodyPublishers.ofString("body " + i));
                        }
                        var resp = Http.send(r);
                        String want = posts ? ("body " + i).length() + " " : "0 ";
                        if (resp.statusCode() == 200 && resp.body().startsWith(want)) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(resp.statusCode() + " " + resp.body());
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() > 50);
            for (int revision = 1; revision <= 50; revision++) {
                t.server().apply(ConfigDocument.parse(config(revision), t.dir()), "reload " + revision);
                int now = ok.get();
                await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() > now + 5);
            }
        } finally {
            running.set(false);
            for (Thread c : clients) {
                c.join(Duration.ofSeconds(30));
            }
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(300);
        // Only the last pool runs; the retired ones closed their connections.
        assertThat(t.server().services().upstreams().status()).hasSize(2);
        await().atMost(Duration.ofSeconds(10)).until(() -> a.openRequestConnections() + b.openRequestConnections() <= 8);
    }
}
