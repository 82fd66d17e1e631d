package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Unauthenticated work is bounded: connections that have not finished their handshake are capped per address. */
class TunnelHandshakeLimitsIT {

    @Test
    void pendingHandshakesFromOneAddressAreCapped() throws Exception {
        try (TunnelFixture f = TunnelFixture.start("handshake_timeout: 60s", ""); TestBackend backend = new TestBackend()) {
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < PendingHandshakes.MAX_PER_ADDRESS; i++) {
                    idle.add(new Socket("127.0.0.1", f.tunnelPort()));
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> f.registry().pending().total() == PendingHandshakes.MAX_PER_ADDRESS);
                try (Socket over = new Socket("127.0.0.1", f.tunnelPort())) {
                    over.setSoTimeout(30_000);
                    // Closed at once, long before the 60 s handshake timeout.
                    assertThat(over.getInputStream().read()).isEqualTo(-1);
                }
                assertThat(f.admin("/metrics").text()).containsPattern("engawa_tunnel_handshakes_total\\{outcome=\"over_cap\"} [1-9]");
                for (Socket s : idle) {
                    assertThat(s.isClosed()).isFalse();
                }
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> f.registry().pending().total() == 0);
            f.client("demo", backend.port());
            assertThat(f.curl("demo", "/hello").text()).isEqualTo("hello from the backend\n");
        }
    }
}
