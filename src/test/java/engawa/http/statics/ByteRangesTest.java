package engawa.http.statics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ByteRangesTest {

    /** Ranges as "first-last" joined by spaces, or IGNORED / UNSATISFIABLE. */
    private static String describe(ByteRanges r) {
        if (r == ByteRanges.IGNORED) {
            return "IGNORED";
        }
        if (r == ByteRanges.UNSATISFIABLE) {
            return "UNSATISFIABLE";
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < r.count(); i++) {
            out.add(r.first(i) + "-" + r.last(i));
        }
        return String.join(" ", out);
    }

    @ParameterizedTest(name = "{0} of {1} bytes -> {2}")
    @CsvSource(delimiter = '|', value = {
            "bytes=0-4            | 12 | 0-4",                 // 0  first bytes
            "bytes=6-             | 12 | 6-11",                // 1  open end
            "bytes=-5             | 12 | 7-11",                // 2  suffix
            "bytes=-100           | 12 | 0-11",                // 3  suffix longer than the file
            "bytes=0-99           | 12 | 0-11",                // 4  last clamped
            "bytes=11-11          | 12 | 11-11",               // 5  last byte
            "bytes=0-1, 6-7       | 12 | 0-1 6-7",             // 6  two ranges, request order kept
            "bytes=6-7,0-1        | 12 | 6-7 0-1",             // 7  not sorted when apart
            "bytes=0-5,3-8        | 12 | 0-8",                 // 8  overlapping: merged
            "bytes=4-5,0-3        | 12 | 0-5",                 // 9  adjacent: merged, ascending
            "bytes=0-,0-,0-       | 12 | 0-11",                // 10 repeated whole file: once
            "BYTES = 0-1          | 12 | 0-1",                 // 11 unit is case-insensitive
            "bytes=0-1,,          | 12 | 0-1",                 // 12 empty list members
            "bytes=12-            | 12 | UNSATISFIABLE",       // 13 past the end
            "bytes=-0             | 12 | UNSATISFIABLE",       // 14 empty suffix
            "bytes=20-30,40-      | 12 | UNSATISFIABLE",       // 15 every range past the end
            "bytes=20-30,0-0      | 12 | 0-0",                 // 16 one satisfiable is enough
            "bytes=5-2            | 12 | UNSATISFIABLE",       // 17 last before first
            "bytes=abc            | 12 | UNSATISFIABLE",       // 18 garbage
            "bytes=1-2-3          | 12 | UNSATISFIABLE",       // 19 garbage
            "bytes=               | 12 | UNSATISFIABLE",       // 20 nothing
            "bytes=-1             | 0  | UNSATISFIABLE",       // 21 empty file
            "items=0-1            | 12 | IGNORED",             // 22 unknown unit
            "0-1                  | 12 | IGNORED",             // 23 no unit
            "bytes=0-99999999999999999999999 | 12 | 0-11",     // 24 huge last saturates
            "bytes=99999999999999999999999- | 12 | UNSATISFIABLE", // 25 huge first
    })
    void parsesAgainstTheSize(String header, long size, String expected) {
        assertThat(describe(ByteRanges.parse(header, size))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void tooManyRangesAreIgnored() {
        StringBuilder b = new StringBuilder("bytes=");
        for (int i = 0; i <= ByteRanges.MAX_RANGES; i++) {
            b.append(i * 10).append('-').append(i * 10 + 1).append(',');
        }
        assertThat(ByteRanges.parse(b.toString(), 1_000_000)).isSameAs(ByteRanges.IGNORED);
        assertThat(ByteRanges.parse("bytes=0-1,4-5", 1_000_000).count()).isEqualTo(2);
    }
}
