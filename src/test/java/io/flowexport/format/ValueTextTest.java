package io.flowexport.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.flowexport.dataset.Column;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class ValueTextTest {

    @Test
    void rendersEveryFixtureValueByKindAndByType() {
        for (int r = 0; r < FormatFixture.ROWS.size(); r++) {
            Object[] row = FormatFixture.ROWS.get(r);
            String[] expected = FormatFixture.TEXT.get(r);
            for (int c = 0; c < row.length; c++) {
                if (row[c] == null) {
                    continue;
                }
                Column column = FormatFixture.COLUMNS.get(c);
                assertThat(ValueText.renderer(column.kind()).render(row[c]))
                        .as("row %d column %s", r, column.name()).isEqualTo(expected[c]);
                assertThat(ValueText.of(row[c])).as("row %d column %s", r, column.name()).isEqualTo(expected[c]);
            }
        }
    }

    @Test
    void normalisesOffsetsToUtc() {
        OffsetDateTime paris = OffsetDateTime.of(2026, 1, 31, 11, 15, 30, 0, ZoneOffset.ofHours(1));
        assertThat(ValueText.ofInstant(paris)).isEqualTo("2026-01-31T10:15:30Z");
    }

    @Test
    void keepsSecondsAndTrimsFractions() {
        assertThat(ValueText.ofTimestamp(LocalDateTime.of(2026, 1, 31, 10, 15))).isEqualTo("2026-01-31T10:15:00");
        assertThat(ValueText.ofTimestamp(LocalDateTime.of(2026, 1, 31, 10, 15, 0, 1)))
                .isEqualTo("2026-01-31T10:15:00.000000001");
        assertThat(ValueText.ofTime(LocalTime.of(7, 5))).isEqualTo("07:05:00");
    }

    @Test
    void writesExpandedYearsOutsideFourDigits() {
        assertThat(ValueText.ofDate(LocalDate.of(10000, 1, 1))).isEqualTo("+10000-01-01");
        assertThat(ValueText.ofTimestamp(LocalDateTime.of(-1, 1, 1, 0, 0))).isEqualTo("-0001-01-01T00:00:00");
    }

    @Test
    void doublesAreShortestRoundTrip() {
        assertThat(ValueText.ofDouble(2.0E-3)).isEqualTo("0.002");
        assertThat(ValueText.ofDouble(1.0E23)).isEqualTo("1.0E23");
        assertThat(Double.parseDouble(ValueText.ofDouble(Math.PI))).isEqualTo(Math.PI);
        assertThat(ValueText.ofFloat(0.1f)).isEqualTo("0.1");
        assertThat(ValueText.ofDouble(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    }

    @Test
    void rejectsNonCanonicalTypes() {
        assertThatThrownBy(() -> ValueText.of(new java.util.Date()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.util.Date");
    }
}
