package io.flowexport.format.csv;

import com.fasterxml.jackson.core.io.NumberOutput;
import java.math.BigDecimal;

/**
 * Renders floating-point values the way PostgreSQL's {@code float8out} / {@code float4out} do since PostgreSQL 12
 * (shortest round-trip digits), so the CSV writer and {@code COPY ... CSV} produce the same bytes:
 * plain notation when the decimal exponent is in [-4, 15) for doubles or [-4, 6) for floats ({@code 0.0001},
 * {@code 123456789012345.6}, {@code 1}), otherwise {@code d.ddde+XX} with at least two exponent digits
 * ({@code 1e-05}, {@code 1.5e+300}); {@code NaN}, {@code Infinity}, {@code -Infinity}; negative zero as {@code -0}.
 */
public final class PgFloatText {

    private PgFloatText() {
    }

    /** A double as PostgreSQL prints a {@code double precision}. */
    public static String ofDouble(double v) {
        if (!Double.isFinite(v)) {
            return Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
        }
        return layout(v, NumberOutput.toString(v, true), 15);
    }

    /** A float as PostgreSQL prints a {@code real}. */
    public static String ofFloat(float v) {
        if (!Float.isFinite(v)) {
            return Float.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
        }
        return layout(v, NumberOutput.toString(v, true), 6);
    }

    private static String layout(double v, String shortest, int maxPlainExponent) {
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        BigDecimal d = new BigDecimal(shortest).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - d.scale();
        if (exponent >= -4 && exponent < maxPlainExponent) {
            return d.toPlainString();
        }
        StringBuilder sb = new StringBuilder(digits.length() + 8);
        if (d.signum() < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        if (abs < 10) {
            sb.append('0');
        }
        return sb.append(abs).toString();
    }
}
