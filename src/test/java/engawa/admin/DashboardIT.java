package engawa.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import engawa.testing.Http;
import engawa.testing.TestServer;
import engawa.testing.TestUpstream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The dashboard in a real browser (headless Chromium): its script runs and fills every table from the API. */
class DashboardIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void theDashboardShowsRevisionListenersRequestsUpstreamsAndRoutes() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM), "chromium is not installed (.ci/run installs it)");
        try (TestUpstream app = TestUpstream.start("app");
             TestServer t = TestServer.start("""
                     listen: {http: "127.0.0.1:0", admin: "127.0.0.1:0"}
                     log: {access: "off"}
                     upstreams:
                       app: {servers: ["%s"]}
                     sites:
                       shop:
                         hosts: [shop.test]
                         routes:
                           - {path: /api/, proxy: app}
                           - {path: /, redirect: {to: "https://elsewhere.example/"}}
                     """.formatted(app.url()))) {
            assertThat(Http.get(t.httpUrl() + "/api/x", "shop.test").statusCode()).isEqualTo(200);
            assertThat(Http.get(t.httpUrl() + "/", "nobody.test").statusCode()).isEqualTo(404);

            String dom = dumpDom(t.dir(), "http://127.0.0.1:" + t.port("admin") + "/");
            assertThat(dom).contains("revision <b id=\"revision\">" + t.server().snapshot().revision() + "</b>");
            assertThat(dom).contains("<td>http</td><td>127.0.0.1:" + t.port("http") + "</td>");
            assertThat(dom).contains("<td>shop</td>").contains("<td>shop.test</td>").contains("<td>proxy app</td>");
            assertThat(dom).contains("(no site)");
            assertThat(dom).contains("app (1/1 up)").contains(app.url()).contains("<td class=\"up\">up</td>");
            assertThat(dom).contains("<div id=\"error\"></div>");
        }
    }

    /** The page's DOM after its script ran, as headless Chromium sees it. */
    private static String dumpDom(Path dir, String url) throws IOException, InterruptedException {
        Path out = dir.resolve("dom.html");
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + dir.resolve("chromium"), "--virtual-time-budget=5000", "--dump-dom", url)
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("chromium finished").isTrue();
        } finally {
            p.destroyForcibly();
        }
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
