package engawa.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

class HeaderMappingTest {

    @Test
    void connectionSpecificAndLinkFieldsDoNotCross() {
        HttpHeaders in = new DefaultHttpHeaders()
                .add("Host", "a.test").add("Connection", "keep-alive, X-Hop").add("X-Hop", "1").add("Keep-Alive", "5")
                .add("Transfer-Encoding", "chunked").add("X-Engawa-Switched", "101").add("Accept", "text/html")
                .add("Cookie", "a=1; b=2");
        Http2Headers h2 = HeaderMapping.toHttp2(in, new DefaultHttp2Headers());
        assertThat(h2.names()).extracting(CharSequence::toString).containsExactlyInAnyOrder("accept", "cookie");
        assertThat(h2.getAll("cookie")).as("cookies split for HPACK").hasSize(2);
        HttpHeaders back = new DefaultHttpHeaders();
        HeaderMapping.toHttp1(h2.status("200").add("x-engawa-upgrade", "websocket").add("upgrade", "h2c"), back);
        assertThat(back.names()).containsExactlyInAnyOrder("accept", "cookie");
        assertThat(back.get("cookie")).isEqualTo("a=1; b=2");
    }

    @Test
    void framingIsMadeExplicitForHttp1() {
        assertThat(HeaderMapping.status(new DefaultHttp2Headers().status("204"))).isEqualTo(204);
        assertThat(HeaderMapping.status(new DefaultHttp2Headers().status("2x4"))).isEqualTo(-1);
        assertThat(HeaderMapping.bodyAllowed(HttpMethod.HEAD, 200)).isFalse();
        assertThat(HeaderMapping.bodyAllowed(HttpMethod.GET, 304)).isFalse();
        assertThat(HeaderMapping.bodyAllowed(HttpMethod.GET, 200)).isTrue();
        assertThat(HeaderMapping.interim(100)).isTrue();
        assertThat(HeaderMapping.interim(101)).isFalse();
    }
}
