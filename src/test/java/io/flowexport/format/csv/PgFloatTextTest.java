package io.flowexport.format.csv;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected texts are what PostgreSQL 15 prints for the same values (float8out / float4out, shortest). */
class PgFloatTextTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1.0 | 1", "0.1 | 0.1", "1e14 | 100000000000000", "1e15 | 1e+15", "123456789012345.6 | 123456789012345.6",
            "1e16 | 1e+16", "0.0001 | 0.0001", "0.00001 | 1e-05", "1.5e300 | 1.5e+300", "-0.0 | -0",
            "1e-300 | 1e-300", "12345678.0 | 12345678", "0.97 | 0.97", "0.000123456 | 0.000123456",
            "12345678901234567890 | 1.2345678901234567e+19", "-2.25 | -2.25", "NaN | NaN", "Infinity | Infinity",
            "-Infinity | -Infinity"})
    void doublesPrintAsPostgresPrintsDoublePrecision(String value, String expected) {
        assertThat(PgFloatText.ofDouble(Double.parseDouble(value))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1.0 | 1", "0.1 | 0.1", "1e5 | 100000", "1e6 | 1e+06", "1234567 | 1.234567e+06",
            "12345678 | 1.2345678e+07", "0.0001 | 0.0001", "0.00001 | 1e-05", "1.5e30 | 1.5e+30", "33.33 | 33.33",
            "16777217 | 1.6777216e+07"})
    void floatsPrintAsPostgresPrintsReal(String value, String expected) {
        assertThat(PgFloatText.ofFloat(Float.parseFloat(value))).isEqualTo(expected);
    }
}
