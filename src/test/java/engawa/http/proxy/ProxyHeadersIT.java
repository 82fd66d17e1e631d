package engawa.http.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.testing.Http;
import engawa.testing.RawHttp;
import engawa.testing.TestServer;
import engawa.testing.TestUpstream;
import java.net.URI;
import java.net.http.HttpRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the upstream and the client see of each other's headers, and how targets and bodies are framed. */
class ProxyHeadersIT {
    private static TestUpstream up;
    private static TestServer t;

    @BeforeAll
    static void start() {
        up = TestUpstream.start("a");
        t = TestServer.start("""
                listen: {http: "127.0.0.1:0"}
                upstreams:
                  app:
                    servers: ["%s"]
                sites:
                  s:
                    hosts: [app.test]
                    routes:
                      - {path: /, proxy: app}
                      - {path: /api/, proxy: {upstream: app, strip_prefix: true}}
                      - {path: /keep/, proxy: {upstream: app}}
                """.formatted(up.url()));
    }

    @AfterAll
    static void stop() {
        t.close();
        up.close();
    }

    private static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(t.httpUrl() + path)).header("Host", "app.test");
    }

    @Test
    void forwardingHeadersNameTheClientAndKeepTheHost() {
        var r = Http.send(get("/who")
                .header("X-Forwarded-For", "203.0.113.9")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "evil.test")
                .header("Forwarded", "for=198.51.100.1"));
        assertThat(r.statusCode()).isEqualTo(200);
        var h = up.lastReceived().headers();
        assertThat(h.getAll("Host")).containsExactly("app.test");
        assertThat(h.getAll("X-Forwarded-For")).containsExactly("203.0.113.9, 127.0.0.1");
        assertThat(h.getAll("X-Forwarded-Proto")).containsExactly("http");
        assertThat(h.getAll("X-Forwarded-Host")).containsExactly("app.test");
        assertThat(h.getAll("Forwarded")).containsExactly("for=198.51.100.1, for=127.0.0.1;host=app.test;proto=http");
    }

    @Test
    void hostWithPortIsQuotedInForwarded() {
        RawHttp.exchange(t.port("http"), "GET /p HTTP/1.1\r\nHost: app.test:8080\r\nConnection: close\r\n\r\n");
        var h = up.lastReceived().headers();
        assertThat(h.get("Host")).isEqualTo("app.test:8080");
        assertThat(h.get("Forwarded")).isEqualTo("for=127.0.0.1;host=\"app.test:8080\";proto=http");
    }

    @Test
    void hopByHopRequestHeadersStayAtTheEdge() {
        String raw = RawHttp.exchange(t.port("http"), """
                GET /hop-request HTTP/1.1\r
                Host: app.test\r
                Connection: keep-alive, X-Secret-Hop\r
                X-Secret-Hop: 1\r
                Keep-Alive: timeout=300\r
                TE: trailers\r
                Proxy-Authorization: Basic Zm9vOmJhcg==\r
                Proxy-Connection: keep-alive\r
                Upgrade: h2c\r
                X-End: kept\r
                \r
                """);
        assertThat(RawHttp.statuses(raw)).containsExactly(200);
        var h = up.lastReceived().headers();
        assertThat(h.get("X-End")).isEqualTo("kept");
        for (String name : new String[] {"X-Secret-Hop", "Keep-Alive", "TE", "Proxy-Authorization", "Proxy-Connection", "Upgrade"}) {
            assertThat(h.contains(name)).as(name).isFalse();
        }
        assertThat(h.get("Connection")).isNull();
    }

    @Test
    void hopByHopResponseHeadersStayAtTheEdge() {
        String raw = RawHttp.exchange(t.port("http"), "GET /hop HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        String head = raw.substring(0, raw.indexOf("\r\n\r\n")).toLowerCase();
        assertThat(head).contains("x-end-to-end: kept").contains("x-upstream: a");
        assertThat(head).doesNotContain("x-private-hop").doesNotContain("keep-alive").doesNotContain("proxy-thing")
                .doesNotContain("upgrade");
    }

    @Test
    void stripPrefixRemovesTheRoutePathAndKeepsTheQuery() {
        assertThat(Http.send(get("/api/users?id=7&x=%20")).statusCode()).isEqualTo(200);
        assertThat(up.lastReceived().uri()).isEqualTo("/users?id=7&x=%20");
        Http.send(get("/api/"));
        assertThat(up.lastReceived().uri()).isEqualTo("/");
        Http.send(get("/keep/users?id=7"));
        assertThat(up.lastReceived().uri()).isEqualTo("/keep/users?id=7");
    }

    @Test
    void theUpstreamSeesTheNormalizedPathWhenNormalizationChangedIt() {
        RawHttp.exchange(t.port("http"), "GET /keep/a/../b//c HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        assertThat(up.lastReceived().uri()).isEqualTo("/keep/b/c");
        RawHttp.exchange(t.port("http"), "GET /keep/caf%C3%A9%20x HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        assertThat(up.lastReceived().uri()).isEqualTo("/keep/caf%C3%A9%20x");
        RawHttp.exchange(t.port("http"), "GET /%61pi/x HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        assertThat(up.lastReceived().uri()).isEqualTo("/x");
    }

    @Test
    void chunkedResponsesAreReframedForEachClient() {
        String v11 = RawHttp.exchange(t.port("http"), "GET /chunked HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        assertThat(v11.toLowerCase()).contains("transfer-encoding: chunked");
        assertThat(v11).contains("6\r\nhello \r\n").endsWith("0\r\n\r\n");
        String v10 = RawHttp.exchange(t.port("http"), "GET /chunked HTTP/1.0\r\nHost: app.test\r\n\r\n");
        assertThat(v10.toLowerCase()).doesNotContain("transfer-encoding");
        assertThat(v10).endsWith("\r\n\r\nhello a");
    }

    @Test
    void upstreamConnectionsAreKeptAliveAndReused() {
        int before = up.connections();
        for (int i = 0; i < 20; i++) {
            assertThat(Http.send(get("/reuse")).statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 10; i++) {
            // A new client connection each time: the upstream connection outlives it.
            assertThat(RawHttp.statuses(RawHttp.exchange(t.port("http"),
                    "GET /reuse HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n"))).containsExactly(200);
        }
        // At most one new upstream connection per event loop (the server runs 2).
        assertThat(up.connections() - before).isLessThanOrEqualTo(2);
    }

    @Test
    void headRequestsGetHeadersOnly() {
        String raw = RawHttp.exchange(t.port("http"),
                "HEAD /x HTTP/1.1\r\nHost: app.test\r\n\r\nGET /y HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.statuses(raw)).containsExactly(200, 200);
        assertThat(raw).endsWith("\r\n\r\na");
    }
}
