package engawa.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.EngawaProcess;
import engawa.testing.Http;
import engawa.testing.TestServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * SIGHUP, sent with kill(1) to a real {@code engawa serve} process as {@code systemctl reload} does: the
 * server re-reads its config file and serves the change as a new revision; a broken file is logged with
 * its error and the running revision keeps serving.
 */
class ReloadSignalIT {

    @Test
    void sighupServesTheEditedFileAndKeepsServingWhenItIsBroken() throws Exception {
        Path dir = TestServer.newDir();
        Files.createDirectories(dir.resolve("one"));
        Files.createDirectories(dir.resolve("two"));
        Files.writeString(dir.resolve("one/index.html"), "first\n");
        Files.writeString(dir.resolve("two/index.html"), "second\n");
        Path config = TestServer.write(dir, "engawa.yaml", site("one"));
        Path log = dir.resolve("server.log");
        Process server = EngawaProcess.start(log, "serve", "--config", config.toString(), "--data", dir.resolve("data").toString());
        try {
            int port = await().atMost(Duration.ofSeconds(60)).until(() -> EngawaProcess.servedPort(log, "http"), p -> p > 0);
            assertThat(get(port)).isEqualTo("first\n");

            Files.writeString(config, site("two"));
            hangup(server);
            await().atMost(Duration.ofSeconds(30)).until(() -> get(port), "second\n"::equals);
            assertThat(Files.readString(log)).contains("reload: serving revision 2");

            Files.writeString(config, site("two") + "  b: {hosts: [a.test], routes: [{path: /, static: {root: nowhere}}]}\n");
            hangup(server);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(log).contains("rejected, still serving revision 2"));
            assertThat(Files.readString(log)).contains("sites.b");
            assertThat(get(port)).isEqualTo("second\n");
            assertThat(server.isAlive()).isTrue();
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    private static String site(String root) {
        return """
                listen: {http: "127.0.0.1:0"}
                log: {access: "off"}
                sites:
                  a:
                    hosts: [a.test]
                    routes:
                      - {path: /, static: {root: %s}}
                """.formatted(root);
    }

    private static void hangup(Process server) throws Exception {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(server.pid())).inheritIO().start();
        assertThat(kill.waitFor()).isZero();
    }

    /** The body of a 200 for / on site a.test, or the status when it is not 200. */
    private static String get(int port) {
        HttpResponse<String> r = Http.get("http://127.0.0.1:" + port + "/", "a.test");
        return r.statusCode() == 200 ? r.body() : "status " + r.statusCode();
    }
}
