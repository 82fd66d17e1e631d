package engawa.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.config.ConfigDocument;
import engawa.server.EngawaServer;
import engawa.testing.Http;
import engawa.testing.PostgresServer;
import engawa.testing.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL store against a real server, and two edge nodes sharing one config through it. */
class PostgresStoreIT {
    private static PostgresServer pg;

    @BeforeAll
    static void startPostgres() {
        pg = PostgresServer.start();
    }

    @AfterAll
    static void stopPostgres() {
        pg.close();
    }

    @Test
    void revisionsValuesAndLeasesWork() {
        Path dir = TestServer.newDir();
        try (Store store = Store.open(dir, pg.jdbcUrl())) {
            long before = store.latestId();
            Revision r = store.append(ConfigDocument.parse("sites: {}", dir), "pg test");
            assertThat(r.id()).isGreaterThan(before);
            assertThat(store.latest().orElseThrow().source()).isEqualTo("pg test");
            store.putValue("pg-test", "k", "v1");
            store.putValue("pg-test", "k", "v2");
            assertThat(store.value("pg-test", "k")).contains("v2");
            assertThat(store.tryLease("pg-lease", "a", Duration.ofSeconds(30))).isTrue();
            assertThat(store.tryLease("pg-lease", "b", Duration.ofSeconds(30))).isFalse();
            store.releaseLease("pg-lease", "a");
            assertThat(store.tryLease("pg-lease", "b", Duration.ofSeconds(30))).isTrue();
        }
    }

    @Test
    void twoNodesSharingTheStoreServeTheNewestRevision() throws Exception {
        String config = """
                listen: {http: "127.0.0.1:0"}
                sites: {a: {hosts: [HOST], routes: [{path: /, redirect: {to: "https://x.test/"}}]}}
                """;
        Path dir = TestServer.newDir();
        Path file = dir.resolve("engawa.yaml");
        Files.writeString(file, config.replace("HOST", "one.test"));
        try (EngawaServer a = EngawaServer.start(new EngawaServer.Options(file, dir.resolve("a"), pg.jdbcUrl(), 1));
             EngawaServer b = EngawaServer.start(new EngawaServer.Options(null, dir.resolve("b"), pg.jdbcUrl(), 1))) {
            assertThat(b.snapshot().revision()).isEqualTo(a.snapshot().revision());
            a.apply(ConfigDocument.parse(config.replace("HOST", "two.test"), dir), "node a");
            await().atMost(Duration.ofSeconds(3)).until(() -> b.snapshot().revision() == a.snapshot().revision());
            String url = "http://127.0.0.1:" + b.port("http") + "/";
            assertThat(Http.get(url, "two.test").statusCode()).isEqualTo(308);
            assertThat(Http.get(url, "one.test").statusCode()).isEqualTo(404);
        }
    }
}
