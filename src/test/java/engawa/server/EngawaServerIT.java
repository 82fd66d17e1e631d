package engawa.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import engawa.config.ConfigDocument;
import engawa.config.ConfigException;
import engawa.store.Store;
import engawa.testing.Http;
import engawa.testing.RawHttp;
import engawa.testing.TestServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class EngawaServerIT {
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0"}
            sites:
              a:
                hosts: [a.test, "*.wild.test"]
                routes:
                  - {path: /, redirect: {to: "https://a.example/{uri}", status: 301}}
                  - {path: /old/, redirect: {to: "https://new.example/", status: 308}}
            """;

    private TestServer t;

    @BeforeEach
    void start() {
        t = TestServer.start(CONFIG);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void routesBySiteAndLongestPrefix() {
        var r = Http.get(t.httpUrl() + "/x?y=1", "a.test");
        assertThat(r.statusCode()).isEqualTo(301);
        assertThat(r.headers().firstValue("location")).contains("https://a.example//x?y=1");
        var old = Http.get(t.httpUrl() + "/old/page", "deep.sub.wild.test");
        assertThat(old.statusCode()).isEqualTo(308);
        assertThat(old.headers().firstValue("location")).contains("https://new.example/");
    }

    @Test
    void unknownHostIs404() {
        assertThat(Http.get(t.httpUrl() + "/", "nobody.test").statusCode()).isEqualTo(404);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() {
        String raw = RawHttp.exchange(t.port("http"),
                "GET /1 HTTP/1.1\r\nHost: a.test\r\n\r\n"
                        + "GET /old/ HTTP/1.1\r\nHost: a.test\r\n\r\n"
                        + "GET /3 HTTP/1.1\r\nHost: nobody.test\r\n\r\n"
                        + "GET /4 HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.statuses(raw)).containsExactly(301, 308, 404, 301);
        assertThat(raw).contains("location: https://a.example//1").contains("location: https://a.example//4");
        assertThat(raw.indexOf("//1")).isLessThan(raw.indexOf("//4"));
    }

    @Test
    void aRevisionWrittenToTheStoreIsServedWithinASecond() {
        long before = t.server().snapshot().revision();
        try (Store other = Store.open(t.dir().resolve("data"), null)) {
            other.append(ConfigDocument.parse(CONFIG.replace("a.test", "b.test"), t.dir()), "test");
        }
        await().atMost(Duration.ofSeconds(1)).until(() -> t.server().snapshot().revision() > before);
        assertThat(Http.get(t.httpUrl() + "/", "b.test").statusCode()).isEqualTo(301);
        assertThat(Http.get(t.httpUrl() + "/", "a.test").statusCode()).isEqualTo(404);
    }

    @Test
    void aRejectedDocumentChangesNothing() {
        long before = t.server().snapshot().revision();
        long stored = t.server().store().latestId();
        assertThatThrownBy(() -> t.server().apply(ConfigDocument.parse(CONFIG + "  b: {hosts: [a.test]}\n", t.dir()), "test"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sites.b.hosts[0]: host \"a.test\" belongs to site \"a\" too");
        assertThat(t.server().snapshot().revision()).isEqualTo(before);
        assertThat(t.server().store().latestId()).isEqualTo(stored);
        assertThat(Http.get(t.httpUrl() + "/", "a.test").statusCode()).isEqualTo(301);
    }

    @Test
    void aBrokenRevisionInTheStoreIsNotServed() throws Exception {
        long before = t.server().snapshot().revision();
        try (Store other = Store.open(t.dir().resolve("data"), null)) {
            other.append(ConfigDocument.parse("sites: {x: {hosts: [\"bad host\"]}}", t.dir()), "broken");
        }
        Thread.sleep(800);
        assertThat(t.server().snapshot().revision()).isEqualTo(before);
        assertThat(Http.get(t.httpUrl() + "/", "a.test").statusCode()).isEqualTo(301);
    }

    @Test
    void rollbackServesAnEarlierDocumentAsANewRevision() {
        long first = t.server().snapshot().revision();
        t.server().apply(ConfigDocument.parse(CONFIG.replace("a.test", "c.test"), t.dir()), "test");
        assertThat(Http.get(t.httpUrl() + "/", "a.test").statusCode()).isEqualTo(404);
        var r = t.server().rollback(first);
        assertThat(r.id()).isGreaterThan(first + 1);
        assertThat(Http.get(t.httpUrl() + "/", "a.test").statusCode()).isEqualTo(301);
    }
}
