package engawa.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.config.ConfigDocument;
import engawa.config.EngawaConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DoctorIT {

    private static List<Finding> doctor(String yaml, Environment env) {
        return new Doctor(EngawaConfig.read(ConfigDocument.parse(yaml, Path.of("/tmp"))), env, 1000).run();
    }

    private static Finding about(List<Finding> findings, String subjectPrefix) {
        return findings.stream().filter(f -> f.subject().startsWith(subjectPrefix)).findFirst().orElseThrow();
    }

    @Test
    void anUpstreamOnLoopbackInAContainerIsExplained() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String yaml = "upstreams: {app: {servers: [\"http://127.0.0.1:" + closedPort + "\"]}}";
        Finding inContainer = about(doctor(yaml, new Environment(true, true)), "upstreams.app.servers[0]");
        assertThat(inContainer.level()).isEqualTo(Finding.Level.FAIL);
        assertThat(inContainer.hint()).contains("127.0.0.1 inside this container is the container itself");
        Finding onHost = about(doctor(yaml, new Environment(false, true)), "upstreams.app.servers[0]");
        assertThat(onHost.hint()).doesNotContain("container");
    }

    @Test
    void aListeningUpstreamIsOk() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            String yaml = "upstreams: {app: {servers: [\"http://127.0.0.1:" + s.getLocalPort() + "\"]}}";
            assertThat(about(doctor(yaml, new Environment(false, true)), "upstreams.app").level()).isEqualTo(Finding.Level.OK);
        }
    }

    @Test
    void aPublicListenerOnLoopbackIsAWarningAndAClosedPortToo() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<Finding> f = doctor("listen: {http: \"127.0.0.1:" + port + "\"}", new Environment(false, true));
        assertThat(f).filteredOn(x -> x.message().startsWith("bound to loopback")).hasSize(1);
        assertThat(f).filteredOn(x -> x.message().startsWith("not open")).hasSize(1);
    }

    @Test
    void lowPortsWithoutThePrivilegeFail() {
        List<Finding> f = doctor("listen: {http: \":80\"}", new Environment(false, false));
        assertThat(f).filteredOn(x -> x.level() == Finding.Level.FAIL && x.message().contains("below 1024")).hasSize(1);
    }
}
