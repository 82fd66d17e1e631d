package engawa.quickstart;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes the quickstart's folder: a config document, a small static site, and nothing secret (the
 * certificate comes from Engawa's internal CA, kept in the data folder).
 */
public final class QuickstartFiles {

    /** Ports the demo listens on; 0 picks free ones (tests). */
    public record Ports(int http, int https, int dns, int admin) {
    }

    private QuickstartFiles() {
    }

    /** Writes {@code dir/engawa.yaml} and {@code dir/site/}; returns the config path. */
    public static Path write(Path dir, Ports ports, List<Integer> appPorts) {
        try {
            Files.createDirectories(dir.resolve("site"));
            Files.writeString(dir.resolve("site/index.html"), INDEX);
            Files.writeString(dir.resolve("site/style.css"), CSS);
            StringBuilder servers = new StringBuilder();
            for (int p : appPorts) {
                servers.append("      - url: http://127.0.0.1:").append(p).append('\n');
            }
            Path config = dir.resolve("engawa.yaml");
            Files.writeString(config, CONFIG
                    .replace("HTTP_PORT", String.valueOf(ports.http()))
                    .replace("HTTPS_PORT", String.valueOf(ports.https()))
                    .replace("DNS_PORT", String.valueOf(ports.dns()))
                    .replace("ADMIN_PORT", String.valueOf(ports.admin()))
                    .replace("      SERVERS\n", servers.toString()));
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final String CONFIG = """
            # Written by `engawa quickstart`. Edit it, then `engawa apply engawa.yaml` (or restart the quickstart).
            listen:
              http: ":HTTP_PORT"
              https: ":HTTPS_PORT"
              dns: ":DNS_PORT"
              admin: "127.0.0.1:ADMIN_PORT"

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
