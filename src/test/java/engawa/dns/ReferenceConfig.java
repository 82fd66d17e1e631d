package engawa.dns;

import engawa.testing.Examples;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * The reference document (examples/engawa.yaml) as written, except: only a DNS listener on 127.0.0.1:0, file
 * paths made absolute (so it can be served from a test folder), and zone transfers allowed to loopback.
 */
final class ReferenceConfig {

    private ReferenceConfig() {
    }

    static String yaml() {
        try {
            String text = Files.readString(Examples.dir().resolve("engawa.yaml"));
            int listen = text.indexOf("listen:");
            int edge = text.indexOf("\nedge:");
            String dir = Examples.dir().toString() + "/";
            text = text.substring(0, listen) + "listen:\n  dns: \"127.0.0.1:0\"\n" + text.substring(edge);
            text = text.replace("cert_file: certs/", "cert_file: " + dir + "certs/")
                    .replace("key_file: certs/", "key_file: " + dir + "certs/")
                    .replace("root: sites/", "root: " + dir + "sites/")
                    .replace("users_file: secrets/", "users_file: " + dir + "secrets/");
            String zone = "  example.test:\n    ttl: 300\n";
            if (!text.contains(zone)) {
                throw new IllegalStateException("examples/engawa.yaml changed: no \"" + zone.trim() + "\" block");
            }
            return text.replace(zone, zone + "    transfer: {allow: [\"127.0.0.0/8\"]}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
