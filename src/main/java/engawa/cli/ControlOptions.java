package engawa.cli;

import engawa.config.BindAddress;
import engawa.config.ConfigDocument;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --admin URL} or the store options, and how a command picks between them: the admin API when
 * given or when the document names a reachable admin listener, the store otherwise.
 */
final class ControlOptions {
    @Option(names = "--admin", paramLabel = "URL", description = "a running server's admin API, e.g. http://127.0.0.1:9080")
    String admin;

    @Mixin
    StoreOptions store;

    ControlPlane open(ConfigDocument document) {
        if (admin != null) {
            return new AdminApiControl(admin);
        }
        String fromDoc = adminUrlOf(document);
        if (fromDoc != null) {
            AdminApiControl api = new AdminApiControl(fromDoc);
            if (api.reachable()) {
                return api;
            }
            api.close();
        }
        return new StoreControl(store);
    }

    private static String adminUrlOf(ConfigDocument document) {
        if (document == null) {
            return null;
        }
        String listen = document.tree().path("listen").path("admin").asText(null);
        if (listen == null) {
            return null;
        }
        try {
            BindAddress a = BindAddress.parse(listen);
            String host = a.allAddresses() ? "127.0.0.1" : a.host().contains(":") ? "[" + a.host() + "]" : a.host();
            return "http://" + host + ":" + a.port();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
