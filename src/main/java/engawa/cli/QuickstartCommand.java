package engawa.cli;

import engawa.quickstart.DemoApp;
import engawa.quickstart.QuickstartFiles;
import engawa.server.EngawaServer;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "Write a demo (config, site, internal certificate) into a folder and serve it on unprivileged ports, "
                + "with two tiny demo application servers behind the proxy. Ctrl-C stops it.")
final class QuickstartCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "quickstart", description = "folder to write the demo into (default: ${DEFAULT-VALUE})")
    Path dir;

    @Option(names = "--address", defaultValue = "",
            description = "address the listeners (the admin API aside) bind to, e.g. 127.0.0.1 (default: every interface)")
    String address;

    @Option(names = "--http-port", defaultValue = "8080")
    int httpPort;

    @Option(names = "--https-port", defaultValue = "8443")
    int httpsPort;

    @Option(names = "--dns-port", defaultValue = "1053")
    int dnsPort;

    @Option(names = "--admin-port", defaultValue = "9080")
    int adminPort;

    @Option(names = "--tunnel-port", defaultValue = "7835")
    int tunnelPort;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        DemoApp one = DemoApp.start("demo-app-1");
        DemoApp two = DemoApp.start("demo-app-2");
        out.printf("[1/3] demo application servers on 127.0.0.1:%d and 127.0.0.1:%d%n", one.port(), two.port());
        Path config = QuickstartFiles.write(dir, new QuickstartFiles.Ports(address, httpPort, httpsPort, dnsPort, adminPort, tunnelPort),
                List.of(one.port(), two.port()));
        out.println("[2/3] wrote " + config + " and " + dir.resolve("site") + "/");
        out.flush();
        EngawaServer server;
        try {
            server = EngawaServer.start(new EngawaServer.Options(config, dir.resolve("data"), null, 0));
        } catch (RuntimeException e) {
            one.close();
            two.close();
            throw e;
        }
        out.println("[3/3] Engawa is serving revision " + server.snapshot().revision() + ". Try:");
        printTry(out, server, one.port());
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            one.close();
            two.close();
            stopped.countDown();
        }, "engawa-quickstart-shutdown"));
        stopped.await();
        return 0;
    }

    private void printTry(PrintWriter out, EngawaServer server, int appPort) {
        int http = server.port("http");
        int https = server.port("https");
        int dns = server.port("dns");
        int admin = server.port("admin");
        int tunnel = server.port("tunnel");
        String data = dir.resolve("data").toString();
        if (http > 0) {
            out.printf("  curl http://localhost:%d/                 the static site%n", http);
            out.printf("  curl http://localhost:%d/api/hello        proxied to the demo apps, balanced (run it a few times)%n", http);
        }
        if (https > 0) {
            out.printf("  ./engawa cert trust --data %s > %s/ca.crt%n", data, dir);
            out.printf("  curl --cacert %s/ca.crt https://localhost:%d/   TLS from Engawa's internal CA%n", dir, https);
        }
        if (dns > 0) {
            out.printf("  dig @127.0.0.1 -p %d www.demo.test A        DNS: an ALIAS answered with the edge's address%n", dns);
        }
        if (tunnel > 0 && https > 0) {
            out.printf("  ENGAWA_TUNNEL_TOKEN=$(cat %s) ./engawa tunnel http %d --server localhost:%d --ca %s/ca.crt --name demo%n",
                    dir.resolve(QuickstartFiles.TOKEN_FILE), appPort, tunnel, dir);
            out.printf("  curl http://demo.tunnel.localhost:%d/        a tunnel: any local port (here demo-app-1) at a public name%n", http);
        }
        if (admin > 0) {
            out.printf("  http://127.0.0.1:%d/                       the dashboard; /metrics for Prometheus%n", admin);
        }
        out.println("Edit " + dir.resolve("engawa.yaml") + " then: ./engawa apply " + dir.resolve("engawa.yaml") + "   Ctrl-C stops.");
    }
}
