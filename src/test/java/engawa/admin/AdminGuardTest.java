package engawa.admin;

import static org.assertj.core.api.Assertions.assertThat;

import engawa.config.AdminConfig;
import engawa.config.TokenConfig;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The guard's decisions where the network cannot reach them: a non-loopback peer with no tokens configured. */
class AdminGuardTest {

    private static AdminRequest call(String peer, String host, String authorization) {
        var headers = new DefaultHttpHeaders();
        if (host != null) {
            headers.set("Host", host);
        }
        if (authorization != null) {
            headers.set("Authorization", authorization);
        }
        return new AdminRequest(HttpMethod.GET, "/api/v1/config", Map.of(), headers, new byte[0],
                new InetSocketAddress(peer, 40000), Map.of(), null);
    }

    @Test
    void withoutTokensANonLoopbackPeerIsRefusedEvenIfTheListenerWasExposed() {
        AdminGuard guard = new AdminGuard(() -> new AdminConfig(List.of()));
        var v = guard.check(call("192.0.2.7", "192.0.2.1:9080", null));
        assertThat(v.rejection().status()).isEqualTo(403);
        assertThat(guard.check(call("127.0.0.1", "127.0.0.1:9080", null)).principal()).isEqualTo("127.0.0.1");
        assertThat(guard.check(call("::1", "[::1]:9080", null)).principal()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(guard.check(call("127.0.0.1", "localhost:9080", null)).rejection()).isNull();
    }

    @Test
    void withTokensAnyPeerWithTheTokenIsLetIn() {
        AdminGuard guard = new AdminGuard(() -> new AdminConfig(List.of(
                new TokenConfig("a", TokenConfig.digest("first"), List.of()),
                new TokenConfig("b", TokenConfig.digest("second"), List.of()))));
        assertThat(guard.check(call("192.0.2.7", "edge.example", "Bearer second")).principal()).isEqualTo("token b");
        assertThat(guard.check(call("192.0.2.7", "edge.example", "Bearer third")).rejection().status()).isEqualTo(401);
    }

    @Test
    void presentedTokensComeFromBearerOrBasic() {
        assertThat(AdminGuard.presentedToken("Bearer abc")).isEqualTo("abc");                 // 0
        assertThat(AdminGuard.presentedToken("BEARER  abc ")).isEqualTo("abc");               // 1
        assertThat(AdminGuard.presentedToken("Basic dTpwOnc=")).isEqualTo("p:w");             // 2 u:p:w
        assertThat(AdminGuard.presentedToken("Basic dTo=")).isNull();                         // 3 u: (empty)
        assertThat(AdminGuard.presentedToken("Basic !!!")).isNull();                          // 4 not base64
        assertThat(AdminGuard.presentedToken("Digest abc")).isNull();                         // 5
        assertThat(AdminGuard.presentedToken("Bearer")).isNull();                             // 6
    }
}
