package io.flowexport.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.flowexport.run.RunProgress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProgressLineTest {

    @Test
    void aLineSaysRowsBytesRateAndElapsed() {
        RunProgress p = new RunProgress(1_234_567, 89_456_640, Duration.ofMillis(3_500));
        assertThat(ProgressLine.format("daily_orders", p))
                .isEqualTo("daily_orders  rows=1,234,567  85.3 MiB  352,733 rows/s  0:00:03");
    }

    @Test
    void beforeAnyRowTheRateIsZero() {
        assertThat(ProgressLine.format("f", RunProgress.none(Duration.ZERO)))
                .isEqualTo("f  rows=0  0 B  0 rows/s  0:00:00");
        assertThat(new RunProgress(10, 0, Duration.ZERO).rowsPerSecond()).isZero();
    }

    @Test
    void theRateIsRowsOverElapsedSeconds() {
        assertThat(new RunProgress(1_000, 0, Duration.ofMillis(250)).rowsPerSecond()).isEqualTo(4_000.0);
    }

    @ParameterizedTest
    @CsvSource({"0, 0 B", "1023, 1023 B", "1024, 1.0 KiB", "1536, 1.5 KiB", "1048576, 1.0 MiB",
            "5368709120, 5.0 GiB", "2199023255552, 2.0 TiB", "2251799813685248, 2048.0 TiB"})
    void bytesInBinaryUnits(long bytes, String text) {
        assertThat(ProgressLine.bytes(bytes)).isEqualTo(text);
    }

    @ParameterizedTest
    @CsvSource({"0, 0:00:00", "59999, 0:00:59", "61000, 0:01:01", "3725000, 1:02:05", "90000000, 25:00:00"})
    void elapsedAsHoursMinutesSeconds(long millis, String text) {
        assertThat(ProgressLine.elapsed(Duration.ofMillis(millis))).isEqualTo(text);
    }
}
