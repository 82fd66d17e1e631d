package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

class PendingHandshakesTest {

    @Test
    void capsHoldInTotalAndPerAddressAndFreeUp() throws Exception {
        PendingHandshakes p = new PendingHandshakes(3, 2);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertThat(p.tryAcquire(a)).isTrue();
        assertThat(p.tryAcquire(a)).isTrue();
        assertThat(p.tryAcquire(a)).as("third from one address").isFalse();
        assertThat(p.tryAcquire(b)).isTrue();
        assertThat(p.tryAcquire(b)).as("fourth in total").isFalse();
        assertThat(p.total()).isEqualTo(3);
        p.release(a);
        assertThat(p.tryAcquire(b)).isTrue();
        p.release(a);
        p.release(b);
        p.release(b);
        assertThat(p.total()).isZero();
    }
}
