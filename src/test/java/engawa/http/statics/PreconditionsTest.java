package engawa.http.statics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PreconditionsTest {
    private static final long MTIME = 1_700_000_000L; // 2023-11-14T22:13:20Z
    private static final String LAST_MODIFIED = "Tue, 14 Nov 2023 22:13:20 GMT";
    private static final Representation REP = new Representation(null, null, Path.of("/x"), 12, MTIME * 1_000_000,
            AsciiString.of("\"abc-c\""), AsciiString.of(LAST_MODIFIED), MTIME, AsciiString.of("12"), null, null);

    private static Preconditions.Outcome evaluate(String... nameValues) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            h.add(nameValues[i], nameValues[i + 1]);
        }
        return Preconditions.evaluate(h, REP);
    }

    @Test
    void noConditionsProceed() {
        assertThat(evaluate()).isEqualTo(Preconditions.Outcome.PROCEED);
    }

    @ParameterizedTest(name = "If-None-Match {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"abc-c\"                 | NOT_MODIFIED", // 0
            "W/\"abc-c\"               | NOT_MODIFIED", // 1 weak comparison
            "\"x\", \"abc-c\"          | NOT_MODIFIED", // 2 list
            "*                         | NOT_MODIFIED", // 3
            "\"abc\"                   | PROCEED",      // 4 prefix is not a match
            "\"abc-c-br\"              | PROCEED",      // 5
            "abc-c                     | PROCEED",      // 6 unquoted is not an entity-tag
    })
    void ifNoneMatch(String value, Preconditions.Outcome expected) {
        assertThat(evaluate("If-None-Match", value)).isEqualTo(expected);
    }

    @Test
    void ifNoneMatchWinsOverIfModifiedSince() {
        assertThat(evaluate("If-None-Match", "\"other\"", "If-Modified-Since", LAST_MODIFIED))
                .isEqualTo(Preconditions.Outcome.PROCEED);
        assertThat(evaluate("If-None-Match", "\"abc-c\"", "If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"))
                .isEqualTo(Preconditions.Outcome.NOT_MODIFIED);
    }

    @ParameterizedTest(name = "If-Modified-Since {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Tue, 14 Nov 2023 22:13:20 GMT  | NOT_MODIFIED", // 0 echoed
            "Tuesday, 14-Nov-23 22:13:20 GMT | NOT_MODIFIED", // 1 RFC 850 form
            "Tue, 14 Nov 2023 23:00:00 GMT  | NOT_MODIFIED", // 2 later
            "Tue, 14 Nov 2023 22:13:19 GMT  | PROCEED",      // 3 earlier
            "yesterday                      | PROCEED",      // 4 not a date
            "Fri, 01 Jan 2100 00:00:00 GMT  | PROCEED",      // 5 in the future: invalid
    })
    void ifModifiedSince(String value, Preconditions.Outcome expected) {
        assertThat(evaluate("If-Modified-Since", value)).isEqualTo(expected);
    }

    @Test
    void ifMatchAndIfUnmodifiedSinceFail() {
        assertThat(evaluate("If-Match", "\"nope\"")).isEqualTo(Preconditions.Outcome.FAILED);
        assertThat(evaluate("If-Match", "W/\"abc-c\"")).isEqualTo(Preconditions.Outcome.FAILED);
        assertThat(evaluate("If-Match", "\"abc-c\"")).isEqualTo(Preconditions.Outcome.PROCEED);
        assertThat(evaluate("If-Unmodified-Since", "Tue, 14 Nov 2023 22:13:19 GMT")).isEqualTo(Preconditions.Outcome.FAILED);
        assertThat(evaluate("If-Unmodified-Since", LAST_MODIFIED)).isEqualTo(Preconditions.Outcome.PROCEED);
    }

    @ParameterizedTest(name = "If-Range {0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"abc-c\"                     | true",  // 0
            "W/\"abc-c\"                   | false", // 1 weak never
            "\"zzz\"                       | false", // 2
            "Tue, 14 Nov 2023 22:13:20 GMT | true",  // 3 exact date
            "Tue, 14 Nov 2023 22:13:21 GMT | false", // 4 any other date
            "garbage                       | false", // 5
    })
    void ifRange(String value, boolean allowed) {
        assertThat(Preconditions.rangeAllowed(value, REP)).isEqualTo(allowed);
    }
}
