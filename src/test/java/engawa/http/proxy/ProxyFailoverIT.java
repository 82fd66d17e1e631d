package engawa.http.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.Http;
import engawa.testing.TestServer;
import engawa.testing.TestUpstream;
import engawa.testing.TwoUpstreams;
import engawa.upstream.UpstreamStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Upstream servers that die, hang, fail checks and come back. */
class ProxyFailoverIT extends TwoUpstreams {

    private void serve(String extra) {
        t = TestServer.start("""
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  app:
                    servers: ["%s", "%s"]
                %s
                sites:
                  s:
                    hosts: [app.test]
                    routes:
                      - {path: /, proxy: app}
                """.formatted(a.url(), b.url(), extra.indent(4).stripTrailing()));
    }

    private HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(t.httpUrl() + path)).header("Host", "app.test");
    }

    private UpstreamStatus status(TestUpstream u) {
        return t.server().services().upstreams().status().stream()
                .filter(s -> s.server().equals(u.url())).findFirst().orElseThrow();
    }

    @Test
    void aServerKilledMidLoadIsEjectedWhileRetriesKeepEveryRequestGoingAndItReturnsAfterPassingChecks() throws Exception {
        serve("""
                retries: 1
                health_check: {path: /healthz, interval: 200ms, timeout: 3s, fall: 2, rise: 3}
                """);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
            clients.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 5000 && running.get(); i++) {
                    try {
                        var r = Http.send(get("/load"));
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    } catch (RuntimeException e) {
                        failures.add(e.toString());
                    }
                }
            }));
        }
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> a.requests() > 50 && b.requests() > 50);
            a.stop();
            await().atMost(Duration.ofSeconds(10)).until(() -> !status(a).healthy());
            assertThat(t.server().services().meters().scrape())
                    .contains("engawa_upstream_server_healthy{server=\"" + a.url() + "\",upstream=\"app\"} 0.0");
            int atDown = ok.get();
            await().atMost(Duration.ofSeconds(20)).until(() -> ok.get() > atDown + 200);
            assertThat(status(a).healthy()).isFalse();
            assertThat(status(a).lastCheck()).isEqualTo("connection refused");

            int checksBefore = a.healthChecks();
            a.restart();
            await().atMost(Duration.ofSeconds(20)).until(() -> status(a).healthy());
            assertThat(a.healthChecks() - checksBefore).isGreaterThanOrEqualTo(3);
            int servedAfterReturn = a.requests();
            await().atMost(Duration.ofSeconds(20)).until(() -> a.requests() > servedAfterReturn + 50);
        } finally {
            running.set(false);
            for (Thread c : clients) {
                c.join(Duration.ofSeconds(30));
            }
        }
        assertThat(failures).isEmpty();
        assertThat(ok.get()).isGreaterThan(300);
        assertThat(status(a).failures()).isGreaterThan(0);
    }

    @Test
    void aServerFailingChecksGetsNoTrafficUntilItPassesAgain() {
        serve("""
                health_check: {path: /healthz, interval: 100ms, timeout: 3s, fall: 2, rise: 2}
                """);
        a.healthy(false);
        await().atMost(Duration.ofSeconds(10)).until(() -> !status(a).healthy());
        assertThat(status(a).lastCheck()).startsWith("503 Service Unavailable");
        int before = a.requests();
        for (int i = 0; i < 20; i++) {
            assertThat(Http.send(get("/x")).body()).isEqualTo("b");
        }
        assertThat(a.requests()).isEqualTo(before);
        a.healthy(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> status(a).healthy());
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            bodies.add(Http.send(get("/x")).body());
        }
        assertThat(bodies).contains("a", "b");
    }

    @Test
    void connectionFailureIs502AndEveryServerDownIs502AtOnce() {
        serve("retries: 1");
        a.stop();
        b.stop();
        var r = Http.send(get("/x"));
        assertThat(r.statusCode()).isEqualTo(502);
        // Both are ejected now: the next request is answered without trying them.
        long start = System.nanoTime();
        var again = Http.send(HttpRequest.newBuilder(URI.create(t.httpUrl() + "/y")).header("Host", "app.test")
                .POST(HttpRequest.BodyPublishers.ofString("payload")));
        assertThat(again.statusCode()).isEqualTo(502);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(t.server().services().upstreams().status()).allSatisfy(s -> assertThat(s.healthy()).isFalse());
        a.restart();
        b.restart();
    }

    @Test
    void noResponseHeadWithinTheTimeoutIs504AndIsNotRetried() {
        serve("""
                retries: 1
                timeouts: {response_header: 300ms}
                """);
        long start = System.nanoTime();
        var r = Http.send(get("/slow?ms=4000"));
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        assertThat(a.requests() + b.requests()).isEqualTo(1);
        // A timeout is not a dead server: both stay in.
        assertThat(t.server().services().upstreams().status()).allSatisfy(s -> assertThat(s.healthy()).isTrue());
    }

    @Test
    void aDroppedIdempotentRequestIsRetriedOnTheOtherServerAndANonIdempotentOneIsNot() {
        serve("retries: 1");
        var get = Http.send(get("/drop"));
        assertThat(get.statusCode()).isEqualTo(502);
        assertThat(a.requests()).isEqualTo(1);
        assertThat(b.requests()).isEqualTo(1);

        t.close();
        t = null;
        serve("retries: 1");
        int before = a.requests() + b.requests();
        var post = Http.send(HttpRequest.newBuilder(URI.create(t.httpUrl() + "/drop")).header("Host", "app.test")
                .POST(HttpRequest.BodyPublishers.ofString("order=1")));
        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(a.requests() + b.requests() - before).isEqualTo(1);
    }

    @Test
    void aConnectThatTimesOutIs504AndEjectsTheServer() throws Exception {
        // A listener that never accepts, its accept queue full: the kernel drops further SYNs, so connects hang.
        try (java.net.ServerSocket deaf = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> queued = new ArrayList<>();
            try {
                for (int i = 0; i < 20; i++) {
                    java.net.Socket s = new java.net.Socket();
                    try {
                        s.connect(deaf.getLocalSocketAddress(), 500);
                        queued.add(s);
                    } catch (java.net.SocketTimeoutException full) {
                        s.close();
                        break;
                    }
                }
                t = TestServer.start("""
                        listen: {http: "127.0.0.1:0"}
                        upstreams:
                          app:
                            servers: ["http://127.0.0.1:%d"]
                            retries: 0
                            timeouts: {connect: 300ms}
                        sites:
                          s:
                            hosts: [app.test]
                            routes:
                              - {path: /, proxy: app}
                        """.formatted(deaf.getLocalPort()));
                long start = System.nanoTime();
                var r = Http.send(get("/x"));
                assertThat(r.statusCode()).isEqualTo(504);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
                assertThat(t.server().services().upstreams().status().get(0).healthy()).isFalse();
            } finally {
                for (java.net.Socket s : queued) {
                    s.close();
                }
            }
        }
    }
}
