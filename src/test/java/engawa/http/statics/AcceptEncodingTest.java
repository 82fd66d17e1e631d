package engawa.http.statics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.AsciiString;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceptEncodingTest {
    private static final Representation[] BR_GZIP_ZSTD = {rep("br"), rep("gzip"), rep("zstd")};

    private static Representation rep(String coding) {
        return new Representation(coding, AsciiString.of(coding), Path.of("/x"), 1, 1, AsciiString.of("\"1\""),
                AsciiString.of("x"), 1, AsciiString.of("1"), null, null);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL                          | identity", // 0  no header: the file itself
            "''                            | identity", // 1  empty: identity only
            "gzip, deflate, br, zstd       | br",       // 2  browsers: route order breaks the tie
            "gzip, deflate                 | gzip",     // 3
            "zstd                          | zstd",     // 4
            "br;q=0, gzip                  | gzip",     // 5  q=0 refuses
            "br;q=0.5, gzip;q=0.8          | gzip",     // 6  highest q wins
            "br;q=1.0, gzip;q=1            | br",       // 7
            "GZIP                          | gzip",     // 8  case-insensitive
            "x-gzip                        | gzip",     // 9  old alias
            "*                             | br",       // 10 star covers unnamed codings
            "*;q=0                         | identity", // 11 nothing acceptable: the file itself
            "gzip;q=0.5, identity          | identity", // 12 stated preference for identity
            "gzip, identity;q=0            | gzip",     // 13
            "deflate                       | identity", // 14 none of ours
            "br ; q=0 , gzip ; q=0.2       | gzip",     // 15 spaces around parameters
            "br;q=abc, gzip;q=0.1          | gzip",     // 16 malformed q is 0
            "gzipx, brotli                 | identity", // 17 prefixes are not names
    })
    void choosesByQualityThenRouteOrder(String header, String expected) {
        int i = AcceptEncoding.choose(header, BR_GZIP_ZSTD);
        assertThat(i < 0 ? "identity" : BR_GZIP_ZSTD[i].coding()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"gzip | 1000", "gzip;q=0 | 0", "gzip;q=0.25 | 250", "gzip;q=0.001 | 1", "br | -1"})
    void readsQValues(String header, int expected) {
        assertThat(AcceptEncoding.quality(header, "gzip")).isEqualTo(expected);
    }
}
