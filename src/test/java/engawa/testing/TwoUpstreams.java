package engawa.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For tests of a proxy in front of two real upstream servers: {@link #a} and {@link #b} are started before
 * each test, and stopped after it together with the Engawa server the test put in {@link #t}.
 */
public abstract class TwoUpstreams {
    protected TestUpstream a;
    protected TestUpstream b;
    /** The server under test; each test starts it with its own config. */
    protected TestServer t;

    @BeforeEach
    void startUpstreams() {
        a = TestUpstream.start("a");
        b = TestUpstream.start("b");
    }

    @AfterEach
    void stopAll() {
        if (t != null) {
            t.close();
        }
        a.close();
        b.close();
    }
}
