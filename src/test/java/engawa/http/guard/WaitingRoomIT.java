package engawa.http.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.config.ConfigDocument;

import engawa.testing.Curl;
import engawa.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpCookie;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrency limit and waiting room on the real server proxying to a real application server that holds
 * every request until the test lets it answer (as slow as each step needs, without timing).
 */
class WaitingRoomIT {
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0"}
            upstreams:
              app:
                servers: [{url: "UPSTREAM"}]
                timeouts: {response_header: 300s, idle: 300s}
            sites:
              s:
                hosts: [s.test]
                routes:
                  - path: /api/
                    proxy: app
                    limits: {concurrency: 2, waiting_room: true}
            """;

    private final ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Socket> sockets = new ArrayList<>();
    private final HeldUpstream upstream = new HeldUpstream();
    private TestServer server;

    @AfterEach
    void stop() {
        for (Socket s : sockets) {
            try {
                s.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        upstream.close();
        if (server != null) {
            server.close();
        }
        clients.shutdownNow();
    }

    private void start(String yaml) {
        server = TestServer.start(yaml.replace("UPSTREAM", upstream.url()));
    }

    private int port() {
        return server.port("http");
    }

    /** Serves {@code yaml} as the next revision, as {@code engawa apply} or a SIGHUP reload does. */
    private void reload(String yaml) {
        server.server().apply(ConfigDocument.parse(yaml.replace("UPSTREAM", upstream.url()), server.dir()), "test");
    }

    /** An API client's request (no HTML wanted); returns the response or, when held, the exchange's future. */
    private CompletableFuture<Curl.Result> api(String name) {
        return CompletableFuture.supplyAsync(() -> Curl.run("-H", "Host: s.test", "-H", "Accept: application/json",
                "http://127.0.0.1:" + port() + "/api/" + name), clients);
    }

    /** Sends a request on a connection kept open until the test ends, and waits until the upstream holds it. */
    private HeldUpstream.Held hold(String name) {
        try {
            Socket s = new Socket("127.0.0.1", port());
            sockets.add(s);
            s.getOutputStream().write(("GET /api/" + name + " HTTP/1.1\r\nHost: s.test\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HeldUpstream.Held held = upstream.next(30);
        assertThat(held.path()).isEqualTo("/api/" + name);
        return held;
    }

    @Test
    void overTheLimitWithoutAWaitingRoomIs503AndASlotFreesWhenARequestCompletes() {
        start(CONFIG.replace(", waiting_room: true", ""));
        HeldUpstream.Held a = hold("a");
        hold("b");
        Curl.Result over = Browser.await(api("c"));
        assertThat(over.status()).isEqualTo(503);
        assertThat(over.header("retry-after")).isEqualTo("1");
        finish(a);
        hold("d");
    }

    @Test
    void aClientThatHangsUpGivesItsSlotBack() throws IOException {
        start(CONFIG.replace(", waiting_room: true", ""));
        hold("a");
        hold("b");
        assertThat(Browser.await(api("c")).status()).isEqualTo(503);
        sockets.get(1).close();
        await().atMost(Duration.ofSeconds(30)).until(() -> inFlight() == 1);
        hold("d");
    }

    @Test
    void browsersOverTheLimitWaitInLineAndGetInInTicketOrder() {
        start(CONFIG);
        HeldUpstream.Held a = hold("a");
        HeldUpstream.Held b = hold("b");
        Browser first = new Browser(port(), "first");
        Browser second = new Browser(port(), "second");
        Browser third = new Browser(port(), "third");

        HttpResponse<String> page = Browser.await(first.load());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(Browser.position(page)).isEqualTo(1);
        assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("cache-control")).contains("no-store");
        assertThat(page.body()).contains("<meta http-equiv=\"refresh\" content=\"5\">").doesNotContain("<script", "src=", "href=");
        HttpCookie ticket = first.cookies().get(0);
        assertThat(ticket.getName()).isEqualTo("engawa_wait");
        assertThat(ticket.isHttpOnly()).isTrue();
        assertThat(ticket.getPath()).isEqualTo("/api");
        assertThat(second.position()).isEqualTo(2);
        assertThat(third.position()).isEqualTo(3);
        assertThat(first.position()).as("a reload keeps the place").isEqualTo(1);

        Curl.Result apiClient = Browser.await(api("json"));
        assertThat(apiClient.status()).as("a client that cannot show the page").isEqualTo(503);
        assertThat(apiClient.header("retry-after")).isEqualTo("5");

        finish(a);
        // The freed slot is the first ticket's: later tickets and newcomers do not get it.
        assertThat(third.position()).isEqualTo(3);
        assertThat(second.position()).isEqualTo(2);
        assertThat(new Browser(port(), "newcomer").position()).isEqualTo(4);
        assertThat(Browser.await(api("json2")).status()).isEqualTo(503);
        CompletableFuture<HttpResponse<String>> firstIn = first.load();
        HeldUpstream.Held firstHeld = upstream.next(30);
        assertThat(firstHeld.path()).isEqualTo("/api/first");

        finish(b);
        assertThat(third.position()).isEqualTo(2);
        CompletableFuture<HttpResponse<String>> secondIn = second.load();
        assertThat(upstream.next(30).path()).isEqualTo("/api/second");

        finish(firstHeld);
        assertThat(Browser.await(firstIn).body()).isEqualTo("/api/first");
        CompletableFuture<HttpResponse<String>> thirdIn = third.load();
        assertThat(upstream.next(30).path()).isEqualTo("/api/third");
        assertThat(secondIn).isNotDone();
        assertThat(thirdIn).isNotDone();

        String metrics = server.server().services().meters().scrape();
        assertThat(metrics).contains("engawa_waiting_room_admitted_total{route=\"/api/\",site=\"s\"} 3.0")
                .contains("engawa_waiting_room_length{route=\"/api/\",site=\"s\"} 1.0")
                .contains("engawa_guard_in_flight{route=\"/api/\",site=\"s\"} 2.0")
                .contains("engawa_guard_rejections_total{reason=\"over_concurrency\",route=\"/api/\",site=\"s\"} 2.0");
    }

    @Test
    void aForgedTicketGoesToTheBackOfTheLine() {
        start(CONFIG);
        hold("a");
        hold("b");
        Browser first = new Browser(port(), "first");
        assertThat(first.position()).isEqualTo(1);
        assertThat(new Browser(port(), "second").position()).isEqualTo(2);
        HttpCookie genuine = first.cookies().get(0);
        String[] parts = genuine.getValue().split("\\.");
        Browser forger = new Browser(port(), "forger");
        HttpCookie forged = new HttpCookie(genuine.getName(), parts[0] + ".0." + parts[2].replace(parts[2].charAt(0), parts[2].charAt(0) == 'A' ? 'B' : 'A'));
        forged.setPath("/api");
        forger.addCookie(forged);
        assertThat(forger.position()).isEqualTo(3);
    }

    @Test
    void theLineAndTheRequestsInFlightSurviveAReloadThatKeepsTheLimits() {
        start(CONFIG);
        HeldUpstream.Held a = hold("a");
        hold("b");
        Browser first = new Browser(port(), "first");
        Browser second = new Browser(port(), "second");
        assertThat(first.position()).isEqualTo(1);
        assertThat(second.position()).isEqualTo(2);

        reload(CONFIG.replace("limits:", "access: {allow: [\"127.0.0.0/8\"]}\n        limits:"));
        assertThat(second.position()).isEqualTo(2);
        assertThat(first.position()).isEqualTo(1);
        assertThat(Browser.await(api("json")).status()).as("both slots are still taken").isEqualTo(503);
        finish(a);
        first.load();
        assertThat(upstream.next(30).path()).isEqualTo("/api/first");
    }

    /** Takes the ticket TTL (30 s) of real time: the first holder stops polling, the second moves up. */
    @Test
    void aTicketWhoseHolderStopsPollingExpires() {
        start(CONFIG.replace("concurrency: 2", "concurrency: 1"));
        hold("a");
        Browser quitter = new Browser(port(), "quitter");
        Browser stayer = new Browser(port(), "stayer");
        assertThat(quitter.position()).isEqualTo(1);
        assertThat(stayer.position()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(3)).until(() -> stayer.position() == 1);
        assertThat(quitter.position()).as("an expired ticket is void: back of the line").isEqualTo(2);
    }

    /** Lets a held request finish and waits until its slot is free again. */
    private void finish(HeldUpstream.Held held) {
        int before = inFlight();
        held.release();
        await().atMost(Duration.ofSeconds(30)).until(() -> inFlight() < before);
    }

    private int inFlight() {
        String metrics = server.server().services().meters().scrape();
        var m = Pattern.compile("engawa_guard_in_flight\\{route=\"/api/\",site=\"s\"} (\\d+)").matcher(metrics);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }
}
