package engawa.cli;

import engawa.server.EngawaServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run every listener in the config document. SIGHUP re-reads --config; SIGTERM drains and exits.")
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "document to serve (stored as a revision when it changed)")
    Path config;

    @Mixin
    StoreOptions store;

    @Option(names = "--threads", description = "event loop threads (default: one per core)", defaultValue = "0")
    int threads;

    @Override
    public Integer call() throws InterruptedException {
        EngawaServer server = EngawaServer.start(new EngawaServer.Options(config, store.data, store.store, threads));
        CountDownLatch stop = new CountDownLatch(1);
        // Any other way out of the JVM still drains; close() runs once.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "engawa-shutdown"));
        Signals.onTerminate(stop::countDown);
        Signals.onHangup(server::reloadConfigFile);
        stop.await();
        server.close();
        return 0;
    }
}
