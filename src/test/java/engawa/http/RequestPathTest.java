package engawa.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestPathTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/ | /", // 0
            "/a/b?x=1 | /a/b", // 1
            "/a/./b/../c | /a/c", // 2
            "//a///b | /a/b", // 3
            "/a%20b | /a b", // 4
            "/a/%2e%2e/b | /b", // 5
            "/a/b/ | /a/b/", // 6
            "/a/b/.. | /a/", // 7
            "http://h.test/x/y?q | /x/y", // 8
            "http://h.test | /", // 9
            "/caf%C3%A9 | /café", // 10
    })
    void normalizes(String target, String path) {
        assertThat(RequestPath.parse(target).path()).isEqualTo(path);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/..", "/a/../..", "/%2e%2e/etc/passwd", "/a%00b", "/a%zz", "/a%2", "x", "/a#frag", "/%ff"})
    void refuses(String target) {
        assertThatThrownBy(() -> RequestPath.parse(target)).isInstanceOf(RequestPath.InvalidPathException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/a%2Fb", "/a%2f..%2fb"})
    void notesEncodedSlashes(String target) {
        assertThat(RequestPath.parse(target).encodedSlash()).isTrue();
    }

    @ParameterizedTest
    @CsvSource({"http://a.test:8080/x, a.test:8080", "http://u@b.test/, b.test", "/x, "})
    void hostOfAbsoluteForm(String target, String host) {
        assertThat(RequestPath.hostOfAbsolute(target)).isEqualTo(host);
    }
}
