package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TunnelNamesTest {

    @Test
    void namesAreOneDnsLabel() {
        assertThat(TunnelNames.normalize("Demo")).isEqualTo("demo");
        assertThat(TunnelNames.normalize("pr-42")).isEqualTo("pr-42");
        assertThat(TunnelNames.normalize("a.b")).isNull();
        assertThat(TunnelNames.normalize("-x")).isNull();
        assertThat(TunnelNames.normalize("x-")).isNull();
        assertThat(TunnelNames.normalize("a".repeat(64))).isNull();
        assertThat(TunnelNames.normalize("")).isNull();
    }

    @Test
    void patternsAllowExactNamesAndPrefixes() {
        List<String> p = List.of("demo", "pr-*");
        assertThat(TunnelNames.allowed(p, "demo")).isTrue();
        assertThat(TunnelNames.allowed(p, "pr-1")).isTrue();
        assertThat(TunnelNames.allowed(p, "pr-")).isFalse();
        assertThat(TunnelNames.allowed(p, "demo2")).isFalse();
        assertThat(TunnelNames.allowed(p, "xpr-1")).isFalse();
        assertThat(TunnelNames.allowed(List.of("*"), "anything")).isTrue();
    }

    @Test
    void aClientWithoutANameGetsAFreeOne() {
        assertThat(TunnelNames.pick(List.of("demo", "pr-*"), n -> true)).isEqualTo("demo");
        assertThat(TunnelNames.pick(List.of("demo", "pr-*"), n -> !n.equals("demo"))).matches("pr-[a-z0-9]{8}");
        assertThat(TunnelNames.pick(List.of("demo"), n -> !Set.of("demo").contains(n))).isNull();
    }
}
