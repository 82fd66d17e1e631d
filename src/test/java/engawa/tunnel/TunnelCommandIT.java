package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import engawa.testing.EngawaProcess;
import engawa.testing.Examples;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code engawa tunnel http} as a user runs it: its own process, killed, stopped, restarted. */
class TunnelCommandIT {
    private static TunnelFixture f;
    private static TestBackend backend;

    @BeforeAll
    static void start() {
        f = TunnelFixture.start("grace: 30s\nkeepalive: 1s", "");
        backend = new TestBackend();
    }

    @AfterAll
    static void stop() {
        f.close();
        backend.close();
    }

    /** A running {@code engawa tunnel} process and every line it printed. */
    static final class Cli implements AutoCloseable {
        final Process process;
        final ConcurrentLinkedQueue<String> out = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> err = new ConcurrentLinkedQueue<>();

        Cli(String... args) throws IOException {
            process = EngawaProcess.command(args).start();
            pump(process.inputReader(StandardCharsets.UTF_8), out);
            pump(new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)), err);
        }

        private static void pump(BufferedReader r, ConcurrentLinkedQueue<String> into) {
            Thread.ofPlatform().daemon().start(() -> {
                try {
                    String line;
                    while ((line = r.readLine()) != null) {
                        into.add(line);
                    }
                } catch (IOException e) {
                    // The process ended.
                }
            });
        }

        void awaitOut(String fragment) {
            await().atMost(Duration.ofSeconds(60)).until(() -> out.stream().anyMatch(l -> l.contains(fragment)));
        }

        int exit() throws InterruptedException {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("still running; printed " + out + err);
            }
            return process.exitValue();
        }

        void signal(String name) throws Exception {
            new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
        }

        @Override
        public void close() {
            process.destroyForcibly();
        }
    }

    private static String[] tunnel(String token, String name) {
        return new String[] {"tunnel", "http", Integer.toString(backend.port()), "--server", "127.0.0.1:" + f.tunnelPort(),
                "--server-name", "tunnel.example.test", "--ca", Examples.dir().resolve("certs/ca.crt").toString(),
                "--token", token, "--name", name};
    }

    @Test
    void printsThePublicUrlAndOneLinePerRequest() throws Exception {
        try (Cli cli = new Cli(tunnel(TunnelFixture.TOKEN, "t-cli"))) {
            cli.awaitOut("Tunnel \"t-cli\" is online:");
            cli.awaitOut("http://t-cli.tunnel.example.test:" + f.httpPort() + "  ->  http://127.0.0.1:" + backend.port());
            assertThat(f.curl("t-cli", "/hello").text()).isEqualTo("hello from the backend\n");
            cli.awaitOut("GET /hello 200");
        }
    }

    @Test
    void aKilledClientRestartedKeepsItsName() throws Exception {
        try (Cli first = new Cli(tunnel(TunnelFixture.TOKEN, "demo"))) {
            first.awaitOut("Tunnel \"demo\" is online:");
            assertThat(f.curl("demo", "/hello").text()).isEqualTo("hello from the backend\n");
            first.process.destroyForcibly().waitFor();
        }
        f.awaitClients("demo", 0);
        assertThat(f.curl("demo", "/hello", "-i").text()).startsWith("HTTP/1.1 503");
        // Another token may claim "demo" too, but not while it is reserved for the one that had it.
        var o = f.options("demo", backend.port());
        var intruder = f.starting(new engawa.tunnel.client.TunnelClient.Options(o.serverHost(), o.serverPort(), o.serverName(),
                TunnelFixture.OTHER_TOKEN, "demo", o.kind(), o.localHost(), o.localPort(), o.caFile(), false, null, List.of(), null));
        try {
            Refusal r = intruder.client.ended().orTimeout(60, TimeUnit.SECONDS).join();
            assertThat(r.getMessage()).isEqualTo("\"demo\" is reserved by another token");
        } finally {
            intruder.close();
        }
        try (Cli again = new Cli(tunnel(TunnelFixture.TOKEN, "demo"))) {
            again.awaitOut("Tunnel \"demo\" is online:");
            assertThat(f.curl("demo", "/hello").text()).isEqualTo("hello from the backend\n");
        }
    }

    @Test
    void aStoppedClientIsDroppedAndComesBackWithItsName() throws Exception {
        try (Cli cli = new Cli(tunnel(TunnelFixture.TOKEN, "t-sleepy"))) {
            cli.awaitOut("Tunnel \"t-sleepy\" is online:");
            cli.signal("STOP");
            try {
                // It no longer reads the link nor answers pings: the edge lets it go.
                f.awaitClients("t-sleepy", 0);
                assertThat(f.curl("t-sleepy", "/hello", "-i").text()).startsWith("HTTP/1.1 503");
            } finally {
                cli.signal("CONT");
            }
            cli.awaitOut("Tunnel \"t-sleepy\" is back online:");
            f.awaitClients("t-sleepy", 1);
            assertThat(f.curl("t-sleepy", "/hello").text()).isEqualTo("hello from the backend\n");
        }
    }

    @Test
    void aWrongTokenExitsWithItsReason() throws Exception {
        try (Cli cli = new Cli(tunnel("wrong", "t-nope"))) {
            assertThat(cli.exit()).isEqualTo(1);
            assertThat(cli.err).contains("engawa: tunnel refused: unknown token");
        }
        assertThat(engawa.cli.Main.run("tunnel", "http", "3000", "--server", "127.0.0.1:1")).isEqualTo(2);
        assertThat(engawa.cli.Main.run("tunnel", "http", "70000", "--server", "127.0.0.1:1", "--token", "t")).isEqualTo(2);
        assertThat(engawa.cli.Main.run("tunnel", "tcp", "22", "--server", "nohost", "--token", "t")).isEqualTo(2);
        assertThat(engawa.cli.Main.run("tunnel", "http", "3000", "--server", "127.0.0.1:1", "--token", "t", "--allow", "nope")).isEqualTo(2);
    }
}
