package engawa.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.Curl;
import engawa.testing.Dig;
import engawa.testing.EngawaProcess;
import engawa.testing.InProcessCli;
import engawa.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code engawa quickstart} as the README has a new user run it, in a real process: each thing it prints
 * to try answers, with curl and dig, including the tunnel command it prints, run as printed.
 */
class QuickstartIT {
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes.reversed()) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void everythingItPrintsToTryAnswers() throws Exception {
        Path work = TestServer.newDir();
        Path dir = work.resolve("quickstart");
        Path printed = work.resolve("quickstart.out");
        start(printed, null, "quickstart", "--dir", dir.toString(), "--address", "127.0.0.1", "--http-port", "0",
                "--https-port", "0", "--dns-port", "0", "--admin-port", "0", "--tunnel-port", "0");
        String out = await().atMost(Duration.ofSeconds(90)).until(() -> read(printed), s -> s.contains("Ctrl-C stops."));

        int http = port(out, "curl http://localhost:(\\d+)/ ");
        Curl.Result site = Curl.run("http://localhost:" + http + "/");
        assertThat(site.status()).isEqualTo(200);
        assertThat(site.body()).contains("<title>Engawa quickstart</title>");
        assertThat(Curl.run("http://localhost:" + http + "/api/hello").body()).contains("\"served_by\": \"demo-app-");

        // ./engawa cert trust --data DIR/data > DIR/ca.crt
        Matcher trust = Pattern.compile("engawa cert trust --data (\\S+) > (\\S+)").matcher(out);
        assertThat(trust.find()).as(out).isTrue();
        InProcessCli.Result ca = InProcessCli.run("cert", "trust", "--data", trust.group(1));
        assertThat(ca.exit()).as(ca.err()).isZero();
        Files.writeString(Path.of(trust.group(2)), ca.out());
        int https = port(out, "https://localhost:(\\d+)/");
        assertThat(Curl.run("--cacert", trust.group(2), "https://localhost:" + https + "/").status()).isEqualTo(200);

        int dns = port(out, "dig @127.0.0.1 -p (\\d+) www.demo.test A");
        assertThat(Dig.digShort(dns, "www.demo.test", "A")).containsExactly("127.0.0.1");

        int admin = port(out, "http://127.0.0.1:(\\d+)/ +the dashboard");
        Curl.Result dashboard = Curl.run("http://127.0.0.1:" + admin + "/");
        assertThat(dashboard.status()).isEqualTo(200);
        assertThat(dashboard.header("content-type")).startsWith("text/html");

        // ENGAWA_TUNNEL_TOKEN=$(cat DIR/tunnel-token) ./engawa tunnel http PORT --server ... --name demo
        Matcher tunnel = Pattern.compile("ENGAWA_TUNNEL_TOKEN=\\$\\(cat (\\S+)\\) \\./engawa (tunnel http .*)").matcher(out);
        assertThat(tunnel.find()).as(out).isTrue();
        Path tokenFile = Path.of(tunnel.group(1));
        assertThat(Files.getPosixFilePermissions(tokenFile)).containsExactlyInAnyOrder(
                PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        String token = Files.readString(tokenFile).strip();
        assertThat(Files.readString(dir.resolve("engawa.yaml"))).doesNotContain(token);
        Path clientOut = work.resolve("tunnel.out");
        start(clientOut, token, tunnel.group(2).strip().split(" +"));
        await().atMost(Duration.ofSeconds(60)).until(() -> read(clientOut), s -> s.contains("is online"));

        assertThat(port(out, "curl http://demo.tunnel.localhost:(\\d+)/")).isEqualTo(http);
        Curl.Result viaTunnel = Curl.run("http://demo.tunnel.localhost:" + http + "/through-the-tunnel");
        assertThat(viaTunnel.status()).isEqualTo(200);
        assertThat(viaTunnel.body()).contains("\"served_by\": \"demo-app-1\"", "\"path\": \"/through-the-tunnel\"");
        Curl.Result viaTunnelTls = Curl.run("--cacert", trust.group(2), "https://demo.tunnel.localhost:" + https + "/tls");
        assertThat(viaTunnelTls.status()).isEqualTo(200);
        assertThat(viaTunnelTls.body()).contains("\"path\": \"/tls\"");
        // The client prints one line per request.
        await().atMost(Duration.ofSeconds(10)).until(() -> read(clientOut), s -> s.contains("GET /through-the-tunnel 200"));
    }

    /** Starts {@code engawa ARGS} as a process of its own, its output in {@code output}. */
    private void start(Path output, String tunnelToken, String... args) throws IOException {
        ProcessBuilder pb = EngawaProcess.command(args).redirectErrorStream(true).redirectOutput(output.toFile());
        if (tunnelToken != null) {
            pb.environment().put("ENGAWA_TUNNEL_TOKEN", tunnelToken);
        }
        processes.add(pb.start());
    }

    private static int port(String printed, String regex) {
        Matcher m = Pattern.compile(regex).matcher(printed);
        assertThat(m.find()).as("\"%s\" in:%n%s", regex, printed).isTrue();
        return Integer.parseInt(m.group(1));
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
