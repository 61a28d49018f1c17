package io.vellum.core.util;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Parsing and formatting of doubles exactly as Redis does them.
 *
 * <ul>
 *   <li>{@link #format(double)}: Redis 7.2's reply format ({@code d2string}, which
 *       {@code addReplyDouble} uses since redis#11779): an integral value within
 *       &plusmn;2<sup>62</sup> ({@code double2ll}) prints as the integer, anything else as
 *       {@link #fpconv(double)} does.
 *   <li>{@link #fpconv(double)}: {@code fpconv_dtoa}: the shortest digits that read back as
 *       the same double, plain notation unless the exponent is far out,
 *       {@code inf}/{@code -inf}/{@code nan} (7.2's DEBUG DIGEST formats zset scores so).
 *   <li>{@link #formatG(double, int)}: C's {@code %.<p>g} ({@code %.17g} is what Redis 7.0
 *       and DEBUG DIGEST use, {@code %.14g} is what Lua 5.1 uses).
 *   <li>{@link #parse(byte[])}: Redis's {@code string2d}: C {@code strtod} grammar, no leading
 *       space, no trailing bytes, no NaN, overflow and underflow-to-zero refused.
 * </ul>
 */
public final class Doubles {
    private Doubles() {
    }

    /** What {@link #parse} returns for input Redis refuses (NaN itself is always refused). */
    public static final double INVALID = Double.NaN;

    // ---------------------------------------------------------------- formatting (7.2)

    public static String format(double d) {
        // double2ll: (double) (LLONG_MAX / 2) is 2^62; within it an integral value prints
        // with ll2string ("100000000", where fpconv_dtoa alone gives "1e+8").
        if (d != 0 && Math.abs(d) <= 0x1p62 && (long) d == d) {
            return Long.toString((long) d);
        }
        return fpconv(d);
    }

    /** {@code fpconv_dtoa} as Redis 7.2 bundles it (see the class comment). */
    public static String fpconv(double d) {
        boolean neg = (Double.doubleToRawLongBits(d) & Long.MIN_VALUE) != 0;
        if (Double.isNaN(d)) {
            return neg ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return neg ? "-inf" : "inf";
        }
        if (d == 0) {
            return neg ? "-0" : "0";
        }
        long asLong = (long) d;
        if (asLong == d && Math.abs(asLong) < (1L << 53) && Math.abs(asLong) < 100_000_000_000_000_000L) {
            // Integral values below 10^17 print as plain integers; fast path.
            String s = Long.toString(asLong);
            if (s.length() - (neg ? 1 : 0) < 17 + 7) {
                return formatDigits(neg, trimTrailingZeros(Long.toString(Math.abs(asLong))),
                        trailingZeros(Long.toString(Math.abs(asLong))));
            }
        }
        Shortest sh = shortest(Math.abs(d));
        return formatDigits(neg, sh.digits, sh.exp10);
    }

    private static String trimTrailingZeros(String digits) {
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        return digits.substring(0, end);
    }

    private static int trailingZeros(String digits) {
        return digits.length() - trimTrailingZeros(digits).length();
    }

    /** Lays out value = digits * 10^k as fpconv's emit_digits does. */
    private static String formatDigits(boolean neg, String digits, int k) {
        int ndigits = digits.length();
        int exp = Math.abs(k + ndigits - 1);
        StringBuilder sb = new StringBuilder(32);
        if (neg) {
            sb.append('-');
        }
        if (k >= 0 && exp < ndigits + 7) {
            sb.append(digits);
            for (int i = 0; i < k; i++) {
                sb.append('0');
            }
            return sb.toString();
        }
        if (k < 0 && (k > -7 || exp < 4)) {
            int offset = ndigits - Math.abs(k);
            if (offset <= 0) {
                sb.append("0.");
                for (int i = 0; i < -offset; i++) {
                    sb.append('0');
                }
                sb.append(digits);
            } else {
                sb.append(digits, 0, offset).append('.').append(digits, offset, ndigits);
            }
            return sb.toString();
        }
        int nd = Math.min(ndigits, 18 - (neg ? 1 : 0));
        sb.append(digits.charAt(0));
        if (nd > 1) {
            sb.append('.').append(digits, 1, nd);
        }
        sb.append('e').append(k + ndigits - 1 < 0 ? '-' : '+');
        sb.append(exp);
        return sb.toString();
    }

    private record Shortest(String digits, int exp10) {
    }

    /**
     * The shortest decimal digits that read back as {@code d} (d finite, positive), closest to
     * d when two candidates of that length exist. Starts from {@link Double#toString} (which
     * round-trips but on Java 17 is sometimes longer than necessary) and shortens it: if an
     * n-1 digit decimal reads back as d then the n-1 digit rounding down or up of any longer
     * round-tripping decimal does too (the rounding interval is convex), so trying those two
     * at each step finds the shortest.
     */
    private static Shortest shortest(double d) {
        String s = Double.toString(d);
        int e = s.indexOf('E');
        int exp = 0;
        String mant = s;
        if (e >= 0) {
            exp = Integer.parseInt(s.substring(e + 1));
            mant = s.substring(0, e);
        }
        int dot = mant.indexOf('.');
        String intPart = mant.substring(0, dot);
        String frac = mant.substring(dot + 1);
        String digits = intPart + frac;
        int k = exp - frac.length();
        // strip leading zeros (e.g. "0.001" -> "0001")
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        digits = digits.substring(lead);
        // strip trailing zeros
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
            k++;
        }
        digits = digits.substring(0, end);
        while (digits.length() > 1) {
            String shorter = digits.substring(0, digits.length() - 1);
            int k2 = k + 1;
            String down = shorter;
            String up = increment(shorter);
            boolean downOk = readsBack(down, k2, d);
            boolean upOk = readsBack(up, k2, d);
            String pick;
            if (downOk && upOk) {
                BigDecimal exact = new BigDecimal(d);
                BigDecimal dd = new BigDecimal(new java.math.BigInteger(down), -k2);
                BigDecimal du = new BigDecimal(new java.math.BigInteger(up), -k2);
                pick = exact.subtract(dd).abs().compareTo(du.subtract(exact).abs()) <= 0 ? down : up;
            } else if (downOk) {
                pick = down;
            } else if (upOk) {
                pick = up;
            } else {
                break;
            }
            if (pick.length() > shorter.length()) {
                // "99" rounded up to "100": same value as "1" with k+2
                pick = pick.substring(0, pick.length() - 1);
                k2++;
            }
            digits = pick;
            k = k2;
            int z = digits.length();
            while (z > 1 && digits.charAt(z - 1) == '0') {
                z--;
                k++;
            }
            digits = digits.substring(0, z);
        }
        return new Shortest(digits, k);
    }

    private static String increment(String digits) {
        char[] c = digits.toCharArray();
        int i = c.length - 1;
        while (i >= 0) {
            if (c[i] == '9') {
                c[i] = '0';
                i--;
            } else {
                c[i]++;
                return new String(c);
            }
        }
        return "1" + new String(c);
    }

    private static boolean readsBack(String digits, int k, double d) {
        if (digits.isEmpty() || digits.chars().allMatch(ch -> ch == '0')) {
            return false;
        }
        return Double.parseDouble(digits + "E" + k) == d;
    }

    // ---------------------------------------------------------------- C %g

    /** C's {@code printf("%.<precision>g", d)} (glibc, round-half-even on the exact value). */
    public static String formatG(double d, int precision) {
        if (Double.isNaN(d)) {
            return (Double.doubleToRawLongBits(d) < 0) ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        int p = precision == 0 ? 1 : precision;
        boolean neg = (Double.doubleToRawLongBits(d) & Long.MIN_VALUE) != 0;
        if (d == 0) {
            return neg ? "-0" : "0";
        }
        BigDecimal exact = new BigDecimal(Math.abs(d));
        BigDecimal rounded = exact.round(new MathContext(p, RoundingMode.HALF_EVEN));
        int x = rounded.precision() - rounded.scale() - 1; // decimal exponent of the rounded value
        String body;
        if (x < -4 || x >= p) {
            String unscaled = rounded.unscaledValue().toString();
            while (unscaled.length() < p) {
                unscaled = unscaled + "0";
            }
            String m = unscaled.charAt(0) + (p > 1 ? "." + unscaled.substring(1, p) : "");
            m = stripFraction(m);
            String es = Integer.toString(Math.abs(x));
            body = m + "e" + (x < 0 ? "-" : "+") + (es.length() < 2 ? "0" + es : es);
        } else {
            body = stripFraction(rounded.setScale(Math.max(0, p - 1 - x), RoundingMode.HALF_EVEN).toPlainString());
        }
        return neg ? "-" + body : body;
    }

    private static String stripFraction(String s) {
        if (s.indexOf('.') < 0) {
            return s;
        }
        int end = s.length();
        while (s.charAt(end - 1) == '0') {
            end--;
        }
        if (s.charAt(end - 1) == '.') {
            end--;
        }
        return s.substring(0, end);
    }

    // ---------------------------------------------------------------- parsing

    /**
     * Redis's {@code string2d}: returns the value, or {@link #INVALID} (NaN) when Redis
     * would answer "value is not a valid float".
     */
    public static double parse(byte[] b) {
        return parse(b, 0, b.length);
    }

    public static double parse(byte[] b, int off, int len) {
        if (len == 0 || len > 5000) {
            return INVALID;
        }
        String s = strtodPrefix(b, off, len);
        if (s == null) {
            return INVALID;
        }
        double v;
        try {
            v = Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return INVALID;
        }
        if (Double.isNaN(v)) {
            return INVALID;
        }
        if (Double.isInfinite(v) && !isInfLiteral(s)) {
            return INVALID; // overflow: strtod sets ERANGE with HUGE_VAL
        }
        if (v == 0 && !isZeroLiteral(s)) {
            return INVALID; // underflow to zero: ERANGE
        }
        return v;
    }

    public static double parse(String s) {
        return parse(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean isInfLiteral(String s) {
        return s.indexOf('I') >= 0;
    }

    private static boolean isZeroLiteral(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 'e' || c == 'E' || c == 'p' || c == 'P') {
                break;
            }
            if (c >= '1' && c <= '9') {
                return false;
            }
            if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
                if (c != 'x' && c != 'X') {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Validates the whole input against strtod's grammar (minus leading space, which Redis
     * refuses) and returns it in a form {@link Double#parseDouble} reads identically, or
     * null when strtod would stop before the end.
     */
    private static String strtodPrefix(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        StringBuilder sb = new StringBuilder(len + 4);
        if (b[i] == '+' || b[i] == '-') {
            sb.append((char) b[i]);
            i++;
        }
        if (i == end) {
            return null;
        }
        // inf / infinity / nan
        String rest = new String(b, i, end - i, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        if (rest.equals("inf") || rest.equals("infinity")) {
            return sb.append("Infinity").toString();
        }
        if (rest.startsWith("nan")) {
            return null;
        }
        if (end - i >= 2 && b[i] == '0' && (b[i + 1] == 'x' || b[i + 1] == 'X')) {
            return hexPrefix(b, i + 2, end, sb);
        }
        int digits = 0;
        while (i < end && isDigit(b[i])) {
            sb.append((char) b[i++]);
            digits++;
        }
        if (i < end && b[i] == '.') {
            sb.append('.');
            i++;
            while (i < end && isDigit(b[i])) {
                sb.append((char) b[i++]);
                digits++;
            }
        }
        if (digits == 0) {
            return null;
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            int j = i + 1;
            StringBuilder ex = new StringBuilder("E");
            if (j < end && (b[j] == '+' || b[j] == '-')) {
                ex.append((char) b[j++]);
            }
            int ed = 0;
            while (j < end && isDigit(b[j])) {
                ex.append((char) b[j++]);
                ed++;
            }
            if (ed == 0) {
                return null; // strtod stops before the 'e': trailing bytes
            }
            // Clamp huge exponents so Java does not throw; the value saturates the same way.
            String exs = ex.toString();
            if (exs.length() > 8) {
                boolean negExp = exs.charAt(1) == '-';
                exs = negExp ? "E-99999" : "E99999";
            }
            sb.append(exs);
            i = j;
        }
        return i == end ? sb.toString() : null;
    }

    private static String hexPrefix(byte[] b, int i, int end, StringBuilder sb) {
        sb.append("0x");
        int digits = 0;
        while (i < end && isHex(b[i])) {
            sb.append((char) b[i++]);
            digits++;
        }
        if (i < end && b[i] == '.') {
            sb.append('.');
            i++;
            while (i < end && isHex(b[i])) {
                sb.append((char) b[i++]);
                digits++;
            }
        }
        if (digits == 0) {
            return null;
        }
        if (i < end && (b[i] == 'p' || b[i] == 'P')) {
            int j = i + 1;
            StringBuilder ex = new StringBuilder("p");
            if (j < end && (b[j] == '+' || b[j] == '-')) {
                ex.append((char) b[j++]);
            }
            int ed = 0;
            while (j < end && isDigit(b[j])) {
                ex.append((char) b[j++]);
                ed++;
            }
            if (ed == 0) {
                return null;
            }
            sb.append(ex.length() > 8 ? (ex.charAt(1) == '-' ? "p-99999" : "p99999") : ex);
            i = j;
        } else {
            sb.append("p0");
        }
        return i == end ? sb.toString() : null;
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(byte c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
