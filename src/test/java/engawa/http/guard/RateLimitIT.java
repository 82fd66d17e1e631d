package engawa.http.guard;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.config.ConfigDocument;
import engawa.testing.Curl;
import engawa.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Per-address token buckets against the real server; curl's --interface gives a second client address. */
class RateLimitIT {
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0"}
            sites:
              s:
                hosts: [s.test]
                routes:
                  - {path: /, redirect: {to: "/in"}}
                  - path: /api/
                    redirect: {to: "/in"}
                    limits: {rate: 1/m, burst: 5}
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

    private Curl.Result get(String path, String... more) {
        String[] args = new String[more.length + 3];
        args[0] = "-H";
        args[1] = "Host: s.test";
        System.arraycopy(more, 0, args, 2, more.length);
        args[args.length - 1] = t.httpUrl() + path;
        return Curl.run(args);
    }

    private void spendBurst() {
        for (int i = 0; i < 5; i++) {
            assertThat(get("/api/" + i).status()).as("request %d of the burst", i + 1).isEqualTo(308);
        }
    }

    @Test
    void aClientOverItsBurstGets429WithRetryAfterAndOthersAreUnaffected() {
        spendBurst();
        Curl.Result over = get("/api/6");
        assertThat(over.status()).isEqualTo(429);
        // One token a minute: the next one is at most a minute away.
        assertThat(Integer.parseInt(over.header("retry-after"))).isBetween(1, 60);
        assertThat(get("/other").status()).as("another route has no limit").isEqualTo(308);
        assertThat(get("/api/x", "--interface", "127.0.0.2").status()).as("another address has its own bucket").isEqualTo(308);
        assertThat(t.server().services().meters().scrape())
                .contains("engawa_guard_rejections_total{reason=\"rate_limited\",route=\"/api/\",site=\"s\"} 1.0");
    }

    @Test
    void bucketsSurviveAReloadThatLeavesTheRateAlone() {
        spendBurst();
        t.server().apply(ConfigDocument.parse(CONFIG + """
                      - {path: /new/, redirect: {to: "/in"}}
                """, t.dir()), "test");
        assertThat(get("/new/").status()).as("the new document is served").isEqualTo(308);
        assertThat(get("/api/after-reload").status()).isEqualTo(429);

        t.server().apply(ConfigDocument.parse(CONFIG.replace("burst: 5", "burst: 6"), t.dir()), "test");
        assertThat(get("/api/new-limits").status()).as("new limits, new buckets").isEqualTo(308);
    }
}
