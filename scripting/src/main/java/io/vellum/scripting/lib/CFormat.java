package io.vellum.scripting.lib;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C {@code printf} conversions as glibc performs them, for the places where Redis's Lua prints
 * through {@code sprintf}: Lua 5.1's number-to-string ({@code "%.14g"}), {@code string.format}
 * and cjson's number encoding.
 *
 * <p>Floating conversions round the exact binary value to the requested digits with ties to
 * even, as glibc does (so {@code %.0f} of 2.5 is {@code 2}). Java's {@code String.format} is not
 * used: its {@code %g} never strips zeros and picks the exponent form by other rules. Stateless.
 */
public final class CFormat {
    /** Flag bits of a conversion specification. */
    public static final int LEFT = 1;
    public static final int PLUS = 2;
    public static final int SPACE = 4;
    public static final int ALT = 8;
    public static final int ZERO = 16;

    private CFormat() {}

    /** {@code "%.14g"}: how Lua 5.1 (LUAI_NUMFFORMAT) prints a number. */
    public static String g14(double v) {
        return formatDouble('g', 0, -1, 14, v);
    }

    /**
     * One floating conversion ({@code e E f g G}) of {@code v}; {@code width} -1 for none,
     * {@code precision} -1 for the default (6).
     */
    public static String formatDouble(char conv, int flags, int width, int precision, double v) {
        boolean upper = conv == 'E' || conv == 'G';
        boolean negative = (Double.doubleToRawLongBits(v) < 0);
        String body;
        boolean finite = !Double.isNaN(v) && !Double.isInfinite(v);
        if (!finite) {
            body = Double.isNaN(v) ? "nan" : "inf";
            if (upper) {
                body = body.toUpperCase();
            }
        } else {
            precision = precision < 0 ? 6 : precision;
            String fast = null;
            if ((conv == 'g' || conv == 'G') && (flags & ALT) == 0) {
                fast = shortestGeneral(Math.abs(v), precision == 0 ? 1 : precision, upper);
            }
            if (fast != null) {
                String sign = negative ? "-" : (flags & PLUS) != 0 ? "+" : (flags & SPACE) != 0 ? " " : "";
                return pad(sign, fast, flags, width, (flags & ZERO) != 0 && (flags & LEFT) == 0);
            }
            BigDecimal exact = new BigDecimal(Math.abs(v));
            switch (Character.toLowerCase(conv)) {
                case 'e':
                    body = expForm(exact, precision, (flags & ALT) != 0, upper);
                    break;
                case 'f':
                    body = fixedForm(exact, precision, (flags & ALT) != 0);
                    break;
                default:
                    body = generalForm(exact, precision, (flags & ALT) != 0, upper);
                    break;
            }
        }
        String sign = negative ? "-" : (flags & PLUS) != 0 ? "+" : (flags & SPACE) != 0 ? " " : "";
        boolean zeroPad = finite && (flags & ZERO) != 0 && (flags & LEFT) == 0;
        return pad(sign, body, flags, width, zeroPad);
    }

    /** {@code %e}: d.ddde+XX with {@code precision} digits after the point. */
    private static String expForm(BigDecimal a, int precision, boolean alt, boolean upper) {
        String digits;
        int exp;
        if (a.signum() == 0) {
            digits = "0".repeat(precision + 1);
            exp = 0;
        } else {
            BigDecimal r = a.round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            digits = r.unscaledValue().toString();
            exp = digits.length() - 1 - r.scale();
            // unscaledValue may carry trailing zeros or fewer digits than asked: normalise
            if (digits.length() < precision + 1) {
                digits = digits + "0".repeat(precision + 1 - digits.length());
            } else if (digits.length() > precision + 1) {
                digits = digits.substring(0, precision + 1);
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append(digits.charAt(0));
        if (precision > 0 || alt) {
            sb.append('.');
        }
        sb.append(digits, 1, digits.length());
        sb.append(upper ? 'E' : 'e');
        sb.append(exp < 0 ? '-' : '+');
        int ae = Math.abs(exp);
        if (ae < 10) {
            sb.append('0');
        }
        sb.append(ae);
        return sb.toString();
    }

    /** {@code %f}: fixed point with {@code precision} digits after the point. */
    private static String fixedForm(BigDecimal a, int precision, boolean alt) {
        String s = a.setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        if (precision == 0 && alt) {
            s = s + ".";
        }
        return s;
    }

    /** {@code %.pg} of a positive finite value by the exact path only (the fast path's reference). */
    static String exactGeneral(double v, int p, boolean upper) {
        return generalForm(new BigDecimal(v), p, false, upper);
    }

    /** {@code %g}: %e or %f by the exponent, trailing zeros removed unless '#'. */
    private static String generalForm(BigDecimal a, int precision, boolean alt, boolean upper) {
        int p = precision == 0 ? 1 : precision;
        int exp;
        if (a.signum() == 0) {
            exp = 0;
        } else {
            BigDecimal r = a.round(new MathContext(p, RoundingMode.HALF_EVEN));
            exp = r.precision() - 1 - r.scale();
        }
        String s;
        if (exp < -4 || exp >= p) {
            s = expForm(a, p - 1, alt, upper);
            if (!alt) {
                int e = s.indexOf(upper ? 'E' : 'e');
                s = stripZeros(s.substring(0, e)) + s.substring(e);
            }
        } else {
            s = fixedForm(a, p - 1 - exp, alt);
            if (!alt) {
                s = stripZeros(s);
            }
        }
        return s;
    }

    /**
     * {@code %.pg} (no '#') of a positive finite {@code v} from Java's round-trip representation,
     * when that has at most {@code p <= 15} significant digits: the exact value then lies within
     * half an ulp of it (relative 1.1e-16), closer than half a unit of a 15-digit grid (relative
     * 5e-16 at least), so rounding the exact value to p digits gives these digits. Ten times cheaper than the exact BigDecimal path, which is
     * taken otherwise (null).
     */
    static String shortestGeneral(double v, int p, boolean upper) {
        if (p > 15 || !(v >= Double.MIN_NORMAL) || Double.isInfinite(v)) {
            // from 16 digits on, the p-digit grid is finer than a double's ulp, and a subnormal's
            // ulp is coarser than any grid: round exactly
            return null;
        }
        String s = Double.toString(v);
        int e = s.indexOf('E');
        int exp10 = e < 0 ? 0 : Integer.parseInt(s.substring(e + 1));
        String mant = e < 0 ? s : s.substring(0, e);
        int dot = mant.indexOf('.');
        String intPart = dot < 0 ? mant : mant.substring(0, dot);
        String frac = dot < 0 ? "" : mant.substring(dot + 1);
        String digits = intPart + frac;
        // value = 0.digits... scaled: the decimal point sits after intPart.length() digits
        int pointPos = intPart.length() + exp10;
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        digits = digits.substring(lead);
        pointPos -= lead;
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
        }
        digits = digits.substring(0, end);
        if (digits.length() > p || digits.charAt(0) == '0') {
            return null;
        }
        int x = pointPos - 1;
        StringBuilder sb = new StringBuilder(24);
        if (x < -4 || x >= p) {
            sb.append(digits.charAt(0));
            if (digits.length() > 1) {
                sb.append('.').append(digits, 1, digits.length());
            }
            sb.append(upper ? 'E' : 'e').append(x < 0 ? '-' : '+');
            int ax = Math.abs(x);
            if (ax < 10) {
                sb.append('0');
            }
            sb.append(ax);
        } else if (x < 0) {
            sb.append("0.");
            for (int i = -1; i > x; i--) {
                sb.append('0');
            }
            sb.append(digits);
        } else if (digits.length() <= x + 1) {
            sb.append(digits);
            for (int i = digits.length(); i <= x; i++) {
                sb.append('0');
            }
        } else {
            sb.append(digits, 0, x + 1).append('.').append(digits, x + 1, digits.length());
        }
        return sb.toString();
    }

    private static String stripZeros(String s) {
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

    /**
     * Integer conversions {@code d i} (signed) and {@code o u x X} (the 64-bit pattern taken as
     * unsigned), with C's precision (minimum digits; precision 0 prints 0 as nothing).
     */
    public static String formatLong(char conv, int flags, int width, int precision, long value) {
        String digits;
        String prefix = "";
        boolean signed = conv == 'd' || conv == 'i';
        boolean negative = signed && value < 0;
        switch (conv) {
            case 'o':
                digits = Long.toOctalString(value);
                break;
            case 'x':
                digits = Long.toHexString(value);
                break;
            case 'X':
                digits = Long.toHexString(value).toUpperCase();
                break;
            case 'u':
                digits = Long.toUnsignedString(value);
                break;
            default:
                digits = negative ? Long.toString(value).substring(1) : Long.toString(value);
                break;
        }
        if (precision == 0 && value == 0) {
            digits = "";
        }
        if (precision > digits.length()) {
            digits = "0".repeat(precision - digits.length()) + digits;
        }
        if ((flags & ALT) != 0) {
            if (conv == 'o' && !digits.startsWith("0")) {
                digits = "0" + digits;
            } else if (conv == 'x' && value != 0) {
                prefix = "0x";
            } else if (conv == 'X' && value != 0) {
                prefix = "0X";
            }
        }
        String sign = signed ? (negative ? "-" : (flags & PLUS) != 0 ? "+" : (flags & SPACE) != 0 ? " " : "") : "";
        boolean zeroPad = (flags & ZERO) != 0 && (flags & LEFT) == 0 && precision < 0;
        return pad(sign + prefix, digits, flags, width, zeroPad);
    }

    /** Pads {@code prefix + body} to {@code width}: left/right with spaces, or zeros after the prefix. */
    public static String pad(String prefix, String body, int flags, int width, boolean zeroPad) {
        int len = prefix.length() + body.length();
        if (width <= len) {
            return prefix + body;
        }
        String fill;
        if ((flags & LEFT) != 0) {
            return prefix + body + " ".repeat(width - len);
        }
        if (zeroPad) {
            fill = "0".repeat(width - len);
            return prefix + fill + body;
        }
        return " ".repeat(width - len) + prefix + body;
    }
}
