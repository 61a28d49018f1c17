package io.vellum.core.util;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * The x87 80-bit {@code long double} that Redis's INCRBYFLOAT and HINCRBYFLOAT compute and
 * print with (64-bit significand, 15-bit exponent), emulated exactly: parsing rounds the
 * exact decimal (or hex) value to the nearest representable one (ties to even), addition
 * rounds the exact sum, and {@link #toHumanString()} is {@code ld2string(LD_STR_HUMAN)}:
 * {@code "%.17Lf"} with trailing zeros removed. With plain doubles "10.5 + 0.1" would print
 * as 10.59999999999999964; Redis prints 10.6.
 *
 * <p>Immutable. Values are finite or infinite; NaN is never produced by parsing.
 */
public final class LongDouble {
    private static final int SIGNIFICAND_BITS = 64;
    /** Smallest exponent of the least significant bit: subnormals go down to 2^-16445. */
    private static final int MIN_EXP = -16445;
    /** Largest finite value is (2^64-1) * 2^16320. */
    private static final int MAX_EXP = 16320;

    private final boolean negative;
    private final boolean infinite;
    /** value = significand * 2^exponent; significand < 2^64, zero for zero. */
    private final BigInteger significand;
    private final int exponent;

    private LongDouble(boolean negative, boolean infinite, BigInteger significand, int exponent) {
        this.negative = negative;
        this.infinite = infinite;
        this.significand = significand;
        this.exponent = exponent;
    }

    public boolean isInfinite() {
        return infinite;
    }

    /**
     * Redis's string2ld: null when Redis answers "not a valid float" (empty, leading space,
     * trailing bytes, NaN, overflow, underflow to zero, longer than 5 KiB).
     */
    public static LongDouble parse(byte[] b) {
        if (b.length == 0 || b.length >= 5 * 1024) {
            return null;
        }
        String s = new String(b, StandardCharsets.ISO_8859_1);
        if (Character.isWhitespace(s.charAt(0))) {
            return null;
        }
        boolean neg = false;
        String body = s;
        if (body.startsWith("+") || body.startsWith("-")) {
            neg = body.charAt(0) == '-';
            body = body.substring(1);
        }
        String lower = body.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals("inf") || lower.equals("infinity")) {
            return new LongDouble(neg, true, BigInteger.ZERO, 0);
        }
        BigDecimal exact;
        try {
            if (lower.startsWith("0x")) {
                exact = parseHex(lower.substring(2));
            } else {
                if (!lower.matches("(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?")) {
                    return null;
                }
                exact = new BigDecimal(lower);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
        if (exact == null) {
            return null;
        }
        if (exact.signum() == 0) {
            return new LongDouble(neg, false, BigInteger.ZERO, 0);
        }
        LongDouble v = round(neg, exact.unscaledValue().abs(), exact.scale());
        if (v.infinite || v.significand.signum() == 0) {
            return null; // ERANGE: overflow, or underflow to zero
        }
        return v;
    }

    /** strtold's hex form: digits[.digits][p[+-]exp]. */
    private static BigDecimal parseHex(String h) {
        int p = h.indexOf('p');
        String mant = p < 0 ? h : h.substring(0, p);
        int bexp = 0;
        if (p >= 0) {
            String e = h.substring(p + 1);
            if (!e.matches("[+-]?\\d+")) {
                return null;
            }
            bexp = Integer.parseInt(e.length() > 8 ? (e.startsWith("-") ? "-99999" : "99999") : e);
        }
        int dot = mant.indexOf('.');
        String digits = dot < 0 ? mant : mant.substring(0, dot) + mant.substring(dot + 1);
        if (digits.isEmpty() || !digits.matches("[0-9a-f]+")) {
            return null;
        }
        int fracDigits = dot < 0 ? 0 : mant.length() - dot - 1;
        BigDecimal v = new BigDecimal(new BigInteger(digits, 16));
        int shift = bexp - 4 * fracDigits;
        return shift >= 0 ? v.multiply(new BigDecimal(BigInteger.TWO.pow(shift)))
                : v.divide(new BigDecimal(BigInteger.TWO.pow(-shift)));
    }

    /** Rounds unscaled * 10^-scale to 64 significant bits, ties to even. */
    private static LongDouble round(boolean neg, BigInteger unscaled, int scale) {
        BigInteger num = unscaled;
        BigInteger den = BigInteger.ONE;
        if (scale > 0) {
            den = BigInteger.TEN.pow(scale);
        } else if (scale < 0) {
            num = num.multiply(BigInteger.TEN.pow(-scale));
        }
        return roundFraction(neg, num, den);
    }

    /** Rounds num/den (positive) to a significand of 64 bits times a power of two. */
    private static LongDouble roundFraction(boolean neg, BigInteger num, BigInteger den) {
        int e = num.bitLength() - den.bitLength() - SIGNIFICAND_BITS;
        // make num / (den * 2^e) fall in [2^63, 2^64)
        while (true) {
            BigInteger q = scaled(num, den, e);
            if (q.bitLength() > SIGNIFICAND_BITS) {
                e++;
            } else if (q.bitLength() < SIGNIFICAND_BITS) {
                e--;
            } else {
                break;
            }
        }
        if (e < MIN_EXP) {
            e = MIN_EXP; // subnormal: fewer significant bits
        }
        BigInteger n = num;
        BigInteger d = den;
        if (e >= 0) {
            d = d.shiftLeft(e);
        } else {
            n = n.shiftLeft(-e);
        }
        BigInteger[] qr = n.divideAndRemainder(d);
        BigInteger q = qr[0];
        int cmp = qr[1].shiftLeft(1).compareTo(d);
        if (cmp > 0 || (cmp == 0 && q.testBit(0))) {
            q = q.add(BigInteger.ONE);
        }
        if (q.bitLength() > SIGNIFICAND_BITS) {
            q = q.shiftRight(1);
            e++;
        }
        if (e > MAX_EXP) {
            return new LongDouble(neg, true, BigInteger.ZERO, 0);
        }
        return new LongDouble(neg, false, q, e);
    }

    private static BigInteger scaled(BigInteger num, BigInteger den, int e) {
        return e >= 0 ? num.divide(den.shiftLeft(e)) : num.shiftLeft(-e).divide(den);
    }

    /** The rounded sum (x87 addition). */
    public LongDouble add(LongDouble o) {
        if (infinite || o.infinite) {
            if (infinite && o.infinite && negative != o.negative) {
                return null; // inf - inf: NaN
            }
            return infinite ? this : o;
        }
        BigInteger a = signed();
        BigInteger b = o.signed();
        int e = Math.min(exponent, o.exponent);
        BigInteger sum = a.shiftLeft(exponent - e).add(b.shiftLeft(o.exponent - e));
        if (sum.signum() == 0) {
            return new LongDouble(false, false, BigInteger.ZERO, 0);
        }
        boolean neg = sum.signum() < 0;
        BigInteger mag = sum.abs();
        if (e >= 0) {
            return roundFraction(neg, mag.shiftLeft(e), BigInteger.ONE);
        }
        return roundFraction(neg, mag, BigInteger.ONE.shiftLeft(-e));
    }

    private BigInteger signed() {
        return negative ? significand.negate() : significand;
    }

    /** The exact value (finite values only). */
    public BigDecimal exact() {
        BigDecimal m = new BigDecimal(signed());
        return exponent >= 0 ? m.multiply(new BigDecimal(BigInteger.TWO.pow(exponent)))
                : m.divide(new BigDecimal(BigInteger.TWO.pow(-exponent)));
    }

    /** ld2string(LD_STR_HUMAN): "%.17Lf", trailing zeros and dot removed, "-0" printed as "0". */
    public String toHumanString() {
        if (infinite) {
            return negative ? "-inf" : "inf";
        }
        String s = exact().setScale(17, RoundingMode.HALF_EVEN).toPlainString();
        if (negative && significand.signum() == 0) {
            s = "-" + s;
        }
        if (s.indexOf('.') >= 0) {
            int end = s.length();
            while (s.charAt(end - 1) == '0') {
                end--;
            }
            if (s.charAt(end - 1) == '.') {
                end--;
            }
            s = s.substring(0, end);
        }
        if (s.equals("-0")) {
            s = "0";
        }
        return s;
    }
}
