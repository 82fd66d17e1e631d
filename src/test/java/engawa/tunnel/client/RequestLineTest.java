package engawa.tunnel.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class RequestLineTest {

    @Test
    void aLineReadsTimeRequestStatusDurationAndSize() {
        Instant at = LocalTime.of(9, 5, 7, 42_000_000).atDate(java.time.LocalDate.of(2026, 1, 2))
                .atZone(ZoneId.systemDefault()).toInstant();
        assertThat(new RequestLine(at, "GET", "/index.html", 200, 3_249, 1234, null).format())
                .isEqualTo("09:05:07.042 GET /index.html 200 3.2ms 1.2KiB");
        assertThat(new RequestLine(at, "POST", "/up", 0, 12_345, 10, "the local service failed").format())
                .isEqualTo("09:05:07.042 POST /up --- 12ms 10B (the local service failed)");
    }

    @Test
    void shortDurationsHaveOneDecimalRoundedHalfUp() {
        for (long micros : new long[] {0, 49, 50, 149, 150, 999, 1_000, 9_949, 9_950, 9_999}) {
            String expected = String.format("%.1fms", Math.round(micros / 100.0) / 10.0);
            assertThat(RequestLine.millis(new StringBuilder(), micros).toString()).as("%d us", micros).isEqualTo(expected);
        }
        assertThat(RequestLine.millis(new StringBuilder(), 10_000).toString()).isEqualTo("10ms");
    }
}
