package engawa.quickstart;

import engawa.config.TokenConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * Writes the quickstart's folder: a config document, a small static site, and a tunnel token (the one
 * secret: a file only its owner reads, which the document names by its SHA-256 alone; the certificate
 * comes from Engawa's internal CA, kept in the data folder).
 */
public final class QuickstartFiles {

    /**
     * Where the demo listens: an address (empty for every interface; the admin API stays on 127.0.0.1) and
     * ports, 0 picking free ones (tests).
     */
    public record Ports(String address, int http, int https, int dns, int admin, int tunnel) {
    }

    /** The file that holds the demo's tunnel token, in the quickstart folder. */
    public static final String TOKEN_FILE = "tunnel-token";

    private QuickstartFiles() {
    }

    /**
     * Writes {@code dir/engawa.yaml}, {@code dir/site/} and, unless it exists (a tunnel client may be using
     * it), {@code dir/tunnel-token}; returns the config path.
     */
    public static Path write(Path dir, Ports ports, List<Integer> appPorts) {
        try {
            Files.createDirectories(dir.resolve("site"));
            String token = tunnelToken(dir.resolve(TOKEN_FILE));
            Files.writeString(dir.resolve("site/index.html"), INDEX);
            Files.writeString(dir.resolve("site/style.css"), CSS);
            StringBuilder servers = new StringBuilder();
            for (int p : appPorts) {
                servers.append("      - url: http://127.0.0.1:").append(p).append('\n');
            }
            Path config = dir.resolve("engawa.yaml");
            Files.writeString(config, CONFIG
                    .replace("ADDRESS:", ports.address() + ":")
                    .replace("HTTP_PORT", String.valueOf(ports.http()))
                    .replace("HTTPS_PORT", String.valueOf(ports.https()))
                    .replace("DNS_PORT", String.valueOf(ports.dns()))
                    .replace("ADMIN_PORT", String.valueOf(ports.admin()))
                    .replace("TUNNEL_PORT", String.valueOf(ports.tunnel()))
                    .replace("TOKEN_SHA256", HexFormat.of().formatHex(TokenConfig.digest(token)))
                    .replace("      SERVERS\n", servers.toString()));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String tunnelToken(Path file) throws IOException {
        if (Files.exists(file)) {
            String token = Files.readString(file).strip();
            if (!token.isEmpty()) {
                return token;
            }
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Files.deleteIfExists(file);
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        Files.writeString(file, token + "\n");
        return token;
    }

    private static final String CONFIG = """
            # Written by `engawa quickstart`. Edit it, then `engawa apply engawa.yaml` (or restart the quickstart).
            listen:
              http: "ADDRESS:HTTP_PORT"
              https: "ADDRESS:HTTPS_PORT"
              dns: "ADDRESS:DNS_PORT"
              admin: "127.0.0.1:ADMIN_PORT"
              tunnel: "ADDRESS:TUNNEL_PORT"      # `engawa tunnel` clients connect here (TLS 1.3)

            edge:
              addresses: ["127.0.0.1"]
              nameservers: [ns1.demo.test.]

            certificates:
              local:
                issuer: internal        # Engawa's own CA; `engawa cert trust --data quickstart/data` prints it

            upstreams:
              demo:                     # two tiny demo application servers on 127.0.0.1
                balance: round_robin
                servers:
                  SERVERS
                health_check: {path: /healthz, interval: 2s, timeout: 1s, fall: 2, rise: 1}
                retries: 1

            sites:
              demo:
                hosts: [localhost, "*.localhost", demo.test, "*.demo.test"]
                tls: local
                routes:
                  - path: /
                    static: {root: site, index: [index.html], cache_control: "max-age=60"}
                  - path: /api/
                    proxy: demo
                    limits: {rate: 50/s, burst: 100}

            tunnels:
              domain: tunnel.localhost  # tunnel NAME is served at NAME.tunnel.localhost
              tls: local
              tokens:
                - name: quickstart
                  sha256: TOKEN_SHA256   # of the token in tunnel-token
                  names: ["*"]

            zones:
              demo.test:
                ttl: 60
                soa: {primary: ns1.demo.test., contact: hostmaster.demo.test.}
                records:
                  - {name: "@",   type: NS,    values: [ns1.demo.test.]}
                  - {name: ns1,   type: A,     values: [127.0.0.1]}
                  - {name: "@",   type: ALIAS, site: demo}
                  - {name: www,   type: ALIAS, site: demo}
                  - {name: "@",   type: TXT,   values: ["served by engawa quickstart"]}
            """;

    private static final String INDEX = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Engawa quickstart</title><link rel="stylesheet" href="/style.css"></head>
            <body>
            <h1>Engawa is serving this page</h1>
            <p>This file comes from <code>quickstart/site/</code>, served by Engawa itself.</p>
            <p><a href="/api/hello">/api/hello</a> is proxied to two demo application servers, balanced round robin.</p>
            <p>The admin dashboard and <code>/metrics</code> are on the admin listener (loopback only).</p>
            </body>
            </html>
            """;

    private static final String CSS = """
            body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; line-height: 1.5; }
            code { background: #f3f0e8; padding: 0 .2em; }
            """;
}
