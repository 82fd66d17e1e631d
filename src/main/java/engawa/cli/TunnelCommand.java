package engawa.cli;

import engawa.config.BindAddress;
import engawa.config.Cidr;
import engawa.net.Transport;
import engawa.tunnel.Refusal;
import engawa.tunnel.TunnelKind;
import engawa.tunnel.client.ConsoleEvents;
import engawa.tunnel.client.TunnelClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "tunnel", mixinStandardHelpOptions = true,
        description = "Expose a service that listens only on this machine at a public name, through an Engawa edge.",
        subcommands = {TunnelCommand.Http.class, TunnelCommand.Tcp.class})
final class TunnelCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "give http or tcp (see engawa tunnel --help)");
    }

    /** The options both kinds share. */
    abstract static class Common implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "PORT", description = "the local port to expose")
        int port;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "the local host the port is on (default: ${DEFAULT-VALUE})")
        String host;

        @Option(names = "--server", required = true, paramLabel = "HOST:PORT", description = "the edge's tunnel listener (listen.tunnel)")
        String server;

        @Option(names = "--server-name", paramLabel = "NAME",
                description = "the name the edge's certificate must carry, when --server gives an address (default: the --server host)")
        String serverName;

        @Option(names = "--token", paramLabel = "TOKEN", description = "the tunnel token (default: $ENGAWA_TUNNEL_TOKEN)")
        String token;

        @Option(names = "--name", paramLabel = "NAME", description = "the tunnel name to claim (default: one the token allows)")
        String name;

        @Option(names = "--ca", paramLabel = "FILE", description = "a PEM file of CA certificates to trust besides the system's")
        Path ca;

        @Option(names = "--exclusive", description = "refuse other clients of the same token on this name")
        boolean exclusive;

        @Option(names = "--allow", paramLabel = "CIDR", description = "only these public addresses may use the tunnel (repeatable)")
        List<String> allow = new ArrayList<>();

        abstract TunnelKind kind();

        String basicAuth() {
            return null;
        }

        BindAddress inspect() {
            return null;
        }

        String local() {
            return host + ":" + port;
        }

        @Override
        public Integer call() throws InterruptedException {
            CommandLine cl = spec.commandLine();
            if (port < 1 || port > 65535) {
                throw new CommandLine.ParameterException(cl, "PORT must be 1-65535");
            }
            String secret = token != null ? token : System.getenv("ENGAWA_TUNNEL_TOKEN");
            if (secret == null || secret.isEmpty()) {
                throw new CommandLine.ParameterException(cl, "--token is required (or set ENGAWA_TUNNEL_TOKEN)");
            }
            BindAddress edge;
            try {
                edge = BindAddress.parse(server);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--server " + e.getMessage());
            }
            if (edge.allAddresses() || edge.port() == 0) {
                throw new CommandLine.ParameterException(cl, "--server needs HOST:PORT, e.g. tunnel.example.test:7835");
            }
            for (String a : allow) {
                try {
                    Cidr.parse(a);
                } catch (IllegalArgumentException e) {
                    throw new CommandLine.ParameterException(cl, "--allow " + e.getMessage());
                }
            }
            if (ca != null && !Files.isReadable(ca)) {
                throw new CommandLine.ParameterException(cl, "--ca " + ca + ": no such readable file");
            }
            quietTransportLog();
            var options = new TunnelClient.Options(edge.host(), edge.port(), serverName, secret, name, kind(), host, port, ca,
                    exclusive, basicAuth(), allow, inspect());
            ConsoleEvents console = new ConsoleEvents(cl.getOut(), local());
            TunnelClient client;
            try {
                client = new TunnelClient(options, console);
            } catch (IllegalArgumentException e) {
                console.close();
                throw new CliException(e.getMessage(), e);
            }
            Thread hook = new Thread(() -> {
                client.close();
                console.close();
            }, "engawa-tunnel-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            client.start();
            Refusal refusal;
            try {
                refusal = client.ended().get();
            } catch (ExecutionException e) {
                refusal = null;
            }
            if (refusal != null) {
                client.close();
                console.close();
                throw new CliException("tunnel refused: " + refusal.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "http", mixinStandardHelpOptions = true,
            description = "Serve a local HTTP service at NAME.<tunnels.domain> over HTTP and HTTPS; prints one line per request.")
    static final class Http extends Common {
        @Option(names = "--basic-auth", paramLabel = "USER:PASS", description = "require this user and password from the public")
        String basicAuth;

        @Option(names = "--inspect", paramLabel = "HOST:PORT",
                description = "serve the request inspector (recent requests, replay) here, e.g. 127.0.0.1:4040")
        String inspect;

        @Override
        TunnelKind kind() {
            return TunnelKind.HTTP;
        }

        @Override
        String basicAuth() {
            if (basicAuth != null && basicAuth.indexOf(':') <= 0) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--basic-auth must be USER:PASS");
            }
            return basicAuth;
        }

        @Override
        BindAddress inspect() {
            if (inspect == null) {
                return null;
            }
            try {
                return BindAddress.parse(inspect);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--inspect " + e.getMessage());
            }
        }

        @Override
        String local() {
            return "http://" + host + ":" + port;
        }
    }

    @Command(name = "tcp", mixinStandardHelpOptions = true,
            description = "Forward a public TCP port (from the edge's tunnels.tcp_ports) to a local TCP port.")
    static final class Tcp extends Common {
        @Override
        TunnelKind kind() {
            return TunnelKind.TCP;
        }
    }

    /** The transport line is for servers' logs; a client's terminal gets only what it asked for. */
    private static void quietTransportLog() {
        if (LoggerFactory.getLogger(Transport.class) instanceof ch.qos.logback.classic.Logger l) {
            l.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }
}
