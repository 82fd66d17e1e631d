package engawa.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HttpRoutingTest {
    private static Site site(String name, String... hosts) {
        return new Site(name, List.of(hosts), null, false, List.of());
    }

    private final HttpRouting routing = new HttpRouting(List.of(
            site("exact", "www.example.test"),
            site("wild", "*.example.test"),
            site("deeper", "*.dev.example.test")));

    @Test
    void exactNameBeatsWildcard() {
        assertThat(routing.site("www.example.test").name()).isEqualTo("exact");
        assertThat(routing.site("WWW.Example.TEST:8443").name()).isEqualTo("exact");
        assertThat(routing.site("www.example.test.").name()).isEqualTo("exact");
    }

    @Test
    void longestWildcardWins() {
        assertThat(routing.site("a.example.test").name()).isEqualTo("wild");
        assertThat(routing.site("a.dev.example.test").name()).isEqualTo("deeper");
        assertThat(routing.site("x.y.example.test").name()).isEqualTo("wild");
    }

    @Test
    void unknownHostsReachNoSite() {
        assertThat(routing.site("example.test")).isNull();
        assertThat(routing.site("other.test")).isNull();
        assertThat(routing.site("")).isNull();
    }

    @Test
    void routesMatchTheLongestPrefix() {
        HttpHandler h = ex -> { };
        Site s = new Site("s", List.of("a"), null, false, List.of(
                new Route("/", "routes[0]", 1, h),
                new Route("/api/", "routes[1]", 1, h),
                new Route("/api/v2/", "routes[2]", 1, h)));
        assertThat(s.route("/index.html").name()).isEqualTo("routes[0]");
        assertThat(s.route("/api/x").name()).isEqualTo("routes[1]");
        assertThat(s.route("/api").name()).isEqualTo("routes[1]");
        assertThat(s.route("/api/v2/y").name()).isEqualTo("routes[2]");
        assertThat(s.route("/apix").name()).isEqualTo("routes[0]");
    }
}
