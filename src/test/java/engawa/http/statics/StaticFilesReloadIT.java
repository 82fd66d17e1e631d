package engawa.http.statics;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.config.ConfigDocument;
import engawa.testing.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The file cache is shared by every revision: a revision that changes a route answers by its own rules at once. */
class StaticFilesReloadIT {
    private static final String CONFIG = """
            listen: {http: "127.0.0.1:0"}
            sites:
              s:
                hosts: [s.test]
                routes:
                  - {path: /, static: {root: ROOT, precompressed: CODINGS}}
            """;

    @Test
    void aChangedRouteIsServedByItsNewRulesAtOnce() throws IOException {
        Path dir = TestServer.newDir();
        byte[] css = "p { margin: 0 }\n".repeat(100).getBytes(StandardCharsets.UTF_8);
        Files.createDirectories(dir.resolve("one"));
        Files.write(dir.resolve("one/app.css"), css);
        Files.write(dir.resolve("one/app.css.gz"), StaticFilesIT.gzip(css));
        TestServer.write(dir, "two/app.css", "the other root\n");
        try (TestServer t = TestServer.start(dir, CONFIG.replace("ROOT", "one").replace("CODINGS", "[]"))) {
            String url = t.httpUrl() + "/app.css";
            assertThat(Fetch.header(Fetch.send("GET", url, "s.test", "Accept-Encoding", "gzip"), "content-encoding")).isNull();

            t.server().apply(ConfigDocument.parse(CONFIG.replace("ROOT", "one").replace("CODINGS", "[gzip]"), dir), "test");
            var gz = Fetch.send("GET", url, "s.test", "Accept-Encoding", "gzip");
            assertThat(Fetch.header(gz, "content-encoding")).isEqualTo("gzip");
            assertThat(Fetch.header(gz, "vary")).isEqualTo("accept-encoding");

            t.server().apply(ConfigDocument.parse(CONFIG.replace("ROOT", "two").replace("CODINGS", "[gzip]"), dir), "test");
            assertThat(Fetch.text(Fetch.send("GET", url, "s.test"))).isEqualTo("the other root\n");
        }
    }
}
