package engawa.cutover;

import com.fasterxml.jackson.databind.JsonNode;
import engawa.config.ConfigDocument;
import engawa.testing.Examples;
import engawa.testing.TestServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;

/**
 * The reference cutover's world on one machine: the old frontend (site peacock, zone example.test) on 127.0.0.1
 * and the new one (site parrot, no zone yet, an admin token) on 127.0.0.2, both on `lo`, with the SAME DNS,
 * HTTPS and HTTP ports (found free on 127.0.0.1, then taken on 127.0.0.2), so that a referral's glue address
 * (DNS has no port) and a resolved edge address lead a client to the other instance as they would on the internet.
 */
final class TwoInstances implements AutoCloseable {
    static final String NEW_TOKEN = "new-secret";
    static final Map<String, String> ENV = Map.of("ENGAWA_NEW_TOKEN", NEW_TOKEN);

    final TestServer old;
    final TestServer fresh;
    final Path parrotRoot;
    final int dnsPort;
    final int httpsPort;

    private TwoInstances(TestServer old, TestServer fresh, Path parrotRoot) {
        this.old = old;
        this.fresh = fresh;
        this.parrotRoot = parrotRoot;
        this.dnsPort = old.port("dns");
        this.httpsPort = old.port("https");
    }

    /** Both instances; {@code zoneTtl} is example.test's TTL on the old one. */
    static TwoInstances start(int zoneTtl) {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            TestServer old = TestServer.start(oldConfig(zoneTtl));
            Path dir = TestServer.newDir();
            Path parrot = dir.resolve("parrot");
            copy(Examples.dir().resolve("sites/parrot"), parrot);
            try {
                TestServer fresh = TestServer.start(dir, newConfig(old.port("http"), old.port("https"), old.port("dns")));
                TestServer.write(old.dir(), "peacock/index.html", "<h1>peacock</h1>\n");
                return new TwoInstances(old, fresh, parrot);
            } catch (RuntimeException e) {
                // The ports free on 127.0.0.1 were taken on 127.0.0.2: try other ones.
                old.close();
                last = e;
            }
        }
        throw last;
    }

    static String oldConfig(int ttl) {
        Path ex = Examples.dir();
        return """
                listen:
                  http: "127.0.0.1:0"
                  https: "127.0.0.1:0"
                  dns: "127.0.0.1:0"
                  admin: "127.0.0.1:0"
                edge:
                  addresses: ["127.0.0.1"]
                  nameservers: [ns1.example.test.]
                certificates:
                  example: {cert_file: %1$s/certs/example.test.crt, key_file: %1$s/certs/example.test.key}
                sites:
                  peacock:
                    hosts: [www.example.test]
                    tls: example
                    routes:
                      - path: /
                        static: {root: peacock, index: [index.html]}
                zones:
                  example.test:
                    ttl: %2$d
                    soa: {primary: ns1.example.test., contact: hostmaster.example.test.}
                    records:
                      - {name: "@", type: NS, values: [ns1.example.test.]}
                      - {name: ns1, type: A, values: [127.0.0.1]}
                      - {name: www, type: ALIAS, site: peacock}
                      - {name: api, type: A, ttl: 60, values: [192.0.2.10, 192.0.2.11]}
                      - {name: "@", type: MX, values: ["10 mail.example.test."]}
                      - {name: mail, type: A, values: [192.0.2.25]}
                      - {name: "@", type: TXT, values: ["v=spf1 mx -all"]}
                      - {name: docs, type: CNAME, values: [www]}
                      - {name: "*.www", type: TXT, values: ["wildcard under www"]}
                """.formatted(ex, ttl);
    }

    static String newConfig(int http, int https, int dns) {
        Path ex = Examples.dir();
        return """
                listen:
                  http: "127.0.0.2:%2$d"
                  https: "127.0.0.2:%3$d"
                  dns: "127.0.0.2:%4$d"
                  admin: "127.0.0.2:0"
                edge:
                  addresses: ["127.0.0.2"]
                  nameservers: [ns1.www.example.test.]
                admin:
                  tokens:
                    - {name: cutover, sha256: %5$s}
                certificates:
                  example: {cert_file: %1$s/certs/example.test.crt, key_file: %1$s/certs/example.test.key}
                sites:
                  parrot:
                    hosts: []
                    tls: example
                    routes:
                      - path: /
                        static: {root: parrot, index: [index.html]}
                """.formatted(ex, http, https, dns, sha256(NEW_TOKEN));
    }

    String oldAdmin() {
        return "http://127.0.0.1:" + old.port("admin");
    }

    String newAdmin() {
        return "http://127.0.0.2:" + fresh.port("admin");
    }

    /** The reference plan as written, with only the two admin URLs replaced by these instances'. */
    String referencePlan() {
        try {
            return Files.readString(Examples.dir().resolve("cutover-www.yaml"))
                    .replace("http://127.0.0.1:9080", oldAdmin())
                    .replace("http://127.0.0.1:9180", newAdmin());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a plan text to a file and reads it. */
    CutoverPlan plan(String text) {
        Path file = TestServer.write(TestServer.newDir(), "plan.yaml", text);
        return PlanReader.read(file, null);
    }

    JsonNode oldDocument() {
        return old.server().snapshot().document().tree();
    }

    JsonNode newDocument() {
        return fresh.server().snapshot().document().tree();
    }

    static String canonical(JsonNode tree) {
        return new ConfigDocument(tree, null).canonicalJson();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes()));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(Path from, Path to) {
        try (var files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        fresh.close();
        old.close();
    }
}
