package engawa.http.fastcgi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.Http;
import engawa.testing.PhpFpm;
import engawa.testing.TestServer;
import engawa.upstream.UpstreamStatus;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** PHP-FPM stopped, slow, or short of workers. */
class FastCgiFailureIT {
    private Path dir;
    private PhpFpm fpm;
    private TestServer server;

    private void serve(int workers, String upstreamExtra) {
        dir = TestServer.newDir();
        PhpSite.copyTo(dir);
        fpm = PhpFpm.start(dir.resolve("fpm"), workers);
        server = TestServer.start(dir, """
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  php:
                    protocol: fastcgi
                    servers: ["%s"]
                %s
                  phptcp:
                    protocol: fastcgi
                    servers: ["%s"]
                sites:
                  php:
                    hosts: [php.test]
                    routes:
                      - {path: /, fastcgi: {upstream: php, root: www}}
                      - {path: /tcp/, fastcgi: {upstream: phptcp, root: www}}
                """.formatted(fpm.unixUrl(), upstreamExtra.indent(4).stripTrailing(), fpm.tcpUrl()));
    }

    @AfterEach
    void stop() {
        if (fpm != null) {
            fpm.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private HttpResponse<String> get(String path) {
        return Http.send(HttpRequest.newBuilder(URI.create(server.httpUrl() + path)).header("Host", "php.test"));
    }

    private UpstreamStatus status(String upstream) {
        return server.server().services().upstreams().status().stream()
                .filter(s -> s.upstream().equals(upstream)).findFirst().orElseThrow();
    }

    @Test
    void phpFpmStoppedIs502AndTheConnectCheckKeepsItOutUntilItIsBack() {
        serve(2, "health_check: {interval: 200ms, timeout: 2s, fall: 2, rise: 2}");
        await().atMost(PhpFpm.PATIENCE).until(() -> status("php").lastCheck().startsWith("connected in"));
        assertThat(get("/status.php").statusCode()).isEqualTo(200);

        fpm.stop();
        HttpResponse<String> down = get("/status.php");
        assertThat(down.statusCode()).isEqualTo(502);
        assertThat(get("/tcp/status.php").statusCode()).as("connection refused on the TCP pool").isEqualTo(502);
        await().atMost(PhpFpm.PATIENCE).until(() -> !status("php").healthy());
        assertThat(status("php").lastCheck()).isEqualTo("no socket file");
        assertThat(status("phptcp").healthy()).as("ejected passively, no checks").isFalse();
        assertThat(get("/status.php").statusCode()).as("no server available: 502 at once").isEqualTo(502);

        fpm.start();
        await().atMost(PhpFpm.PATIENCE).until(() -> status("php").healthy());
        assertThat(get("/status.php").statusCode()).isEqualTo(200);
    }

    @Test
    void aScriptSlowerThanTheResponseHeaderTimeoutIs504() {
        serve(2, "timeouts: {response_header: 1s}");
        HttpResponse<String> r = get("/slow.php?ms=4000");
        assertThat(r.statusCode()).isEqualTo(504);
        assertThat(get("/slow.php?ms=10").statusCode()).isEqualTo(200);
        assertThat(status("php").failures()).isEqualTo(1);
    }

    @Test
    void moreConcurrentRequestsThanWorkersAllGetServedDespiteKeptAliveConnections() throws Exception {
        // Idle kept-alive connections hold PHP-FPM's two workers; a request on a new connection must not
        // wait behind them until the response_header timeout (it would get 504 after 10 s).
        serve(2, "timeouts: {response_header: 10s}");
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int round = 0; round < 15; round++) {
                List<Future<?>> all = new ArrayList<>();
                for (int c = 0; c < 5; c++) {
                    all.add(clients.submit(() -> {
                        // A new client connection each time, so requests land on both event loops.
                        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(server.httpUrl() + "/slow.php?ms=50"))
                                .header("Host", "php.test").header("Connection", "close");
                        HttpResponse<String> r = Http.send(req);
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                    }));
                }
                for (Future<?> f : all) {
                    f.get();
                }
            }
        }
        assertThat(failures).isEmpty();
    }
}
