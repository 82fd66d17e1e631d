package engawa.tunnel;

import static org.awaitility.Awaitility.await;

import engawa.testing.Examples;
import engawa.testing.TestServer;
import engawa.tunnel.client.RequestLine;
import engawa.tunnel.client.TunnelClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * A real Engawa with tunnels on ephemeral ports, real tunnel clients in this JVM, and curl as the public
 * client. Tokens: {@link #TOKEN} may claim {@code demo}, {@code pr-*} and {@code t-*};
 * {@link #OTHER_TOKEN} may claim {@code demo} and {@code other}.
 */
final class TunnelFixture implements AutoCloseable {
    static final String TOKEN = "test";
    static final String OTHER_TOKEN = "another-secret-token";
    static final String DOMAIN = "tunnel.example.test";

    final TestServer server;
    final String yaml;
    private final List<Client> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
    final int tcpPort;

    private TunnelFixture(TestServer server, String yaml, int tcpPort) {
        this.server = server;
        this.yaml = yaml;
        this.tcpPort = tcpPort;
    }

    /** Starts the edge; {@code tunnelsExtra} adds keys under {@code tunnels:}, {@code extra} whole sections. */
    static TunnelFixture start(String tunnelsExtra, String extra) {
        String certs = Examples.dir().resolve("certs").toString();
        int tcpPort = freePort();
        String yaml = """
                listen: {http: "127.0.0.1:0", https: "127.0.0.1:0", tunnel: "127.0.0.1:0", admin: "127.0.0.1:0"}
                log: {access: "off"}
                certificates:
                  example: {cert_file: %s/example.test.crt, key_file: %s/example.test.key}
                tunnels:
                  domain: tunnel.example.test
                  tls: example
                  tcp_ports: "%d-%d"
                  tokens:
                    - {name: dev, sha256: %s, names: [demo, "pr-*", "t-*"]}
                    - {name: other, sha256: %s, names: [demo, other]}
                %s
                %s
                """.formatted(certs, certs, tcpPort, tcpPort, sha256(TOKEN), sha256(OTHER_TOKEN),
                tunnelsExtra.indent(2).stripTrailing(), extra);
        return new TunnelFixture(TestServer.start(yaml), yaml, tcpPort);
    }

    static TunnelFixture start() {
        return start("grace: 5s", "");
    }

    int httpPort() {
        return server.port("http");
    }

    int tunnelPort() {
        return server.port("tunnel");
    }

    TunnelRegistry registry() {
        return server.server().services().tunnels();
    }

    /** Serves {@code document} as the next revision. */
    void apply(String document) {
        server.server().apply(engawa.config.ConfigDocument.parse(document, server.dir()), "test");
    }

    /** Client options for a local port, claiming {@code name} (null: any) with {@link #TOKEN}. */
    TunnelClient.Options options(String name, int localPort) {
        return new TunnelClient.Options("127.0.0.1", tunnelPort(), "tunnel.example.test", TOKEN, name, TunnelKind.HTTP,
                "127.0.0.1", localPort, Examples.dir().resolve("certs/ca.crt"), false, null, List.of(), null);
    }

    /** Starts a client and waits until it is online. */
    Client client(TunnelClient.Options options) {
        Client c = new Client(options);
        c.client.firstOnline().orTimeout(30, TimeUnit.SECONDS).join();
        return c;
    }

    Client client(String name, int localPort) {
        return client(options(name, localPort));
    }

    /** A client started but not waited for: for refusals. */
    Client starting(TunnelClient.Options options) {
        return new Client(options);
    }

    /** A running in-process tunnel client and what it printed. */
    final class Client implements AutoCloseable {
        final TunnelClient client;
        final ConcurrentLinkedQueue<RequestLine> lines = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
        volatile String inspectorUrl;

        Client(TunnelClient.Options options) {
            client = new TunnelClient(options, new TunnelClient.Events() {
                @Override
                public void online(HelloReply reply, boolean again) {
                    events.add((again ? "again " : "online ") + reply.name() + " " + reply.urls());
                }

                @Override
                public void offline(String why, Duration retryIn) {
                    events.add("offline " + why);
                }

                @Override
                public void request(RequestLine line) {
                    lines.add(line);
                }

                @Override
                public void inspector(String url) {
                    inspectorUrl = url;
                }
            });
            clients.add(this);
            client.start();
        }

        String name() {
            return client.name();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** Waits until the registry shows {@code name} with {@code n} connected clients. */
    void awaitClients(String name, int n) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Tunnel t = registry().lookup(name);
            return n == 0 ? t == null || t.sessions().isEmpty() : t != null && t.sessions().size() == n;
        });
    }

    /** curl through the edge's HTTP listener, NAME.domain resolved to 127.0.0.1 as DNS would. */
    Result curl(String name, String path, String... args) {
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60",
                "--resolve", name + "." + DOMAIN + ":" + httpPort() + ":127.0.0.1"));
        cmd.addAll(List.of(args));
        cmd.add("http://" + name + "." + DOMAIN + ":" + httpPort() + path);
        return run(cmd);
    }

    /** curl through the edge's HTTPS listener, trusting the examples' CA. */
    Result curlHttps(String name, String path, String... args) {
        int port = server.port("https");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "60", "--cacert",
                Examples.dir().resolve("certs/ca.crt").toString(), "--resolve", name + "." + DOMAIN + ":" + port + ":127.0.0.1"));
        cmd.addAll(List.of(args));
        cmd.add("https://" + name + "." + DOMAIN + ":" + port + path);
        return run(cmd);
    }

    /** A GET on the admin listener. */
    Result admin(String path) {
        return run(List.of("curl", "-sS", "--max-time", "30", "http://127.0.0.1:" + server.port("admin") + path));
    }

    static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread t = Thread.ofVirtual().start(() -> copy(p.getErrorStream(), err));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            copy(p.getInputStream(), out);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            t.join();
            return new Result(p.exitValue(), out.toByteArray(), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a process printed and how it ended. */
    record Result(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    static String sha256(String s) {
        return sha256(s.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        clients.parallelStream().forEach(Client::close);
        server.close();
    }
}
