package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.config.ConfigDocument;
import engawa.config.ConfigException;
import engawa.config.EngawaConfig;
import engawa.config.TunnelsConfig;
import engawa.snapshot.Services;
import engawa.snapshot.SnapshotCompiler;
import engawa.testing.Examples;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TunnelsConfigTest {
    private static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static String errors(String yaml) {
        try {
            new SnapshotCompiler(Services.dry(null, null)).compile(ConfigDocument.parse(yaml, Examples.dir()), 0);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("accepted:\n" + yaml);
    }

    @Test
    void defaultsAndTheTcpPortRange() {
        TunnelsConfig t = EngawaConfig.read(ConfigDocument.parse("""
                tunnels:
                  domain: Tunnel.Example.Test.
                  tcp_ports: 20000-20099
                  tokens: [{name: dev, sha256: %s, names: [demo]}]
                """.formatted(HASH), Examples.dir())).tunnels();
        assertThat(t.domain()).isEqualTo("tunnel.example.test");
        assertThat(t.tcpPorts().first()).isEqualTo(20000);
        assertThat(t.tcpPorts().size()).isEqualTo(100);
        assertThat(t.grace()).isEqualTo(Duration.ofSeconds(60));
        assertThat(t.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(t.keepalive()).isEqualTo(Duration.ofSeconds(15));
        assertThat(t.maxBody()).isZero();
    }

    @Test
    void badTunnelSettingsAreNamedByTheirPath() {
        String msg = errors("""
                listen: {http: ":8080", tunnel: ":7835"}
                certificates: {example: {cert_file: certs/example.test.crt, key_file: certs/example.test.key}}
                tunnels:
                  domain: tunnel.example.test
                  tcp_ports: 8000-8100
                  grace: 0s
                  keepalive: soon
                  tokens:
                    - {name: a, sha256: %s, names: ["bad name"]}
                    - {name: b, sha256: %s}
                """.formatted(HASH, HASH));
        assertThat(msg.lines()).contains(
                "tunnels.tls: required with listen.tunnel: the tunnel link is always TLS",
                "tunnels.tcp_ports: range 8000-8100 holds port 8080 of listen.http",
                "tunnels.grace: must be longer than 0",
                "tunnels.keepalive: \"soon\" is not a duration (examples: 500ms, 2s, 5m, 1h, 1m30s)",
                "tunnels.tokens[0].names: \"bad name\" is not a tunnel name or a pattern such as pr-*",
                "tunnels.tokens[1].names: a tunnel token needs the names it may claim, e.g. [demo, \"pr-*\"]",
                "tunnels.tokens[1].sha256: the same token is listed twice");
        assertThat(errors("tunnels: {domain: t.test, tcp_ports: 9-1, tokens: []}"))
                .contains("tunnels.tcp_ports: \"9-1\": ports are 1-65535 and the first is not above the last");
        assertThat(errors("listen: {tunnel: \":7835\"}")).contains("listen.tunnel: tunnel clients need a tunnels: section (domain, tls, tokens)");
    }

    @Test
    void aSiteMayNotHoldTheTunnelWildcard() {
        String msg = errors("""
                sites:
                  s: {hosts: ["*.tunnel.example.test"], routes: [{path: /, redirect: {to: /x}}]}
                tunnels: {domain: tunnel.example.test, tokens: []}
                """);
        assertThat(msg).contains("sites.s.hosts[0]: \"*.tunnel.example.test\" is where tunnels are served (tunnels.domain)");
    }
}
