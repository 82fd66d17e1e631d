package engawa.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsAndSizesTest {

    @ParameterizedTest
    @CsvSource({
            "500ms, 500", // 0
            "2s, 2000", // 1
            "1h, 3600000", // 2
            "1m30s, 90000", // 3
            "0, 0", // 4
    })
    void durations(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2", "2 s", "s", "1.5s", "-1s", "2sec"})
    void notDurations(String text) {
        assertThatThrownBy(() -> Durations.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "512KiB, 524288", // 0
            "10MiB, 10485760", // 1
            "1GiB, 1073741824", // 2
            "100, 100", // 3
            "4kB, 4000", // 4
    })
    void sizes(String text, long bytes) {
        assertThat(Sizes.parse(text)).isEqualTo(bytes);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MiB", "1.5MiB", "10 furlongs", "-1"})
    void notSizes(String text) {
        assertThatThrownBy(() -> Sizes.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({
            "2s", "500ms", "1h", "90s", "0s"
    })
    void formatIsTheInverseOfParse(String text) {
        assertThat(Durations.parse(Durations.format(Durations.parse(text)))).isEqualTo(Durations.parse(text));
    }
}
