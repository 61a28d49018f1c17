package io.vellum.core.util;

/**
 * sin, cos and asin rounded correctly (to the double nearest the exact value), for the
 * moderate arguments of the geo distance: |x| &lt;= 8 for sin and cos, [-1, 1] for asin.
 *
 * <p>Why: Redis computes distances with glibc's libm, whose sin, cos and asin return the
 * correctly rounded value for practically every argument; Java's {@link StrictMath} (fdlibm)
 * is off by one ulp now and then, which shows in GEODIST's four decimals, in STOREDIST scores
 * and at the edge of a search radius. The value is computed in double-double arithmetic
 * (about 106 bits: a Cody-Waite reduction by pi/2 in three parts, then Taylor series; asin
 * by one Newton step from fdlibm's value) and rounded once.
 *
 * <p>Pure functions, any thread.
 */
public final class RoundedTrig {
    private RoundedTrig() {
    }

    // pi/2 in three parts (hi + mid + lo), each exactly representable
    private static final double PIO2_HI = 1.5707963267948966;
    private static final double PIO2_MID = 6.123233995736766e-17;
    private static final double PIO2_LO = -1.4973849048591698e-33;

    /** A double-double value hi + lo, |lo| &lt;= ulp(hi)/2. */
    private record DD(double hi, double lo) {
    }

    private static DD twoSum(double a, double b) {
        double s = a + b;
        double bb = s - a;
        double err = (a - (s - bb)) + (b - bb);
        return new DD(s, err);
    }

    private static DD add(DD a, DD b) {
        DD s = twoSum(a.hi, b.hi);
        DD t = twoSum(a.lo, b.lo);
        double lo = s.lo + t.hi;
        DD u = twoSum(s.hi, lo);
        lo = u.lo + t.lo;
        return twoSum(u.hi, lo);
    }

    private static DD mul(DD a, DD b) {
        double p = a.hi * b.hi;
        double e = Math.fma(a.hi, b.hi, -p);
        e += a.hi * b.lo + a.lo * b.hi;
        return twoSum(p, e);
    }

    private static DD mul(DD a, double b) {
        double p = a.hi * b;
        double e = Math.fma(a.hi, b, -p);
        e += a.lo * b;
        return twoSum(p, e);
    }

    /** 1/n! for n = 0..30, each as a double-double. */
    private static final DD[] INV_FACT = new DD[31];

    static {
        // 1/n! = (1/(n-1)!) / n, divided in double-double
        INV_FACT[0] = new DD(1, 0);
        for (int n = 1; n < INV_FACT.length; n++) {
            DD prev = INV_FACT[n - 1];
            double q1 = prev.hi / n;
            // remainder prev - q1*n, exactly enough with fma
            double r = Math.fma(-q1, n, prev.hi) + prev.lo;
            double q2 = r / n;
            INV_FACT[n] = twoSum(q1, q2);
        }
    }

    /** sin(r) for |r| &lt;= pi/4 by Taylor series in double-double. */
    private static DD sinSeries(DD r) {
        DD r2 = mul(r, r);
        DD sum = new DD(0, 0);
        for (int n = 29; n >= 3; n -= 2) {
            DD c = (n / 2) % 2 == 0 ? INV_FACT[n] : new DD(-INV_FACT[n].hi, -INV_FACT[n].lo);
            sum = mul(add(sum, c), r2);
        }
        // sum = r^2 * (-1/3! + r^2/5! ...): sin = r + r * sum
        return add(r, mul(r, sum));
    }

    /** cos(r) for |r| &lt;= pi/4 by Taylor series in double-double. */
    private static DD cosSeries(DD r) {
        DD r2 = mul(r, r);
        DD sum = new DD(0, 0);
        for (int n = 30; n >= 2; n -= 2) {
            DD c = (n / 2) % 2 == 0 ? INV_FACT[n] : new DD(-INV_FACT[n].hi, -INV_FACT[n].lo);
            sum = mul(add(sum, c), r2);
        }
        return add(new DD(1, 0), sum);
    }

    /** x - k*pi/2 in double-double, and k mod 4. */
    private static DD reduce(double x, int[] quadrant) {
        double k = Math.rint(x / PIO2_HI);
        quadrant[0] = (int) k & 3;
        DD r = twoSum(x, -k * PIO2_HI); // k is small: k * PIO2_HI is exact below 2^? for |k| <= 8 not always
        double e = Math.fma(-k, PIO2_HI, k * PIO2_HI); // the rounding error of k * PIO2_HI
        r = add(r, new DD(e, 0));
        r = add(r, mul(new DD(-PIO2_MID, 0), k));
        return add(r, mul(new DD(-PIO2_LO, 0), k));
    }

    private static DD sinDD(double x) {
        int[] q = new int[1];
        DD r = reduce(x, q);
        return switch (q[0]) {
            case 0 -> sinSeries(r);
            case 1 -> cosSeries(r);
            case 2 -> neg(sinSeries(r));
            default -> neg(cosSeries(r));
        };
    }

    private static DD cosDD(double x) {
        int[] q = new int[1];
        DD r = reduce(x, q);
        return switch (q[0]) {
            case 0 -> cosSeries(r);
            case 1 -> neg(sinSeries(r));
            case 2 -> neg(cosSeries(r));
            default -> sinSeries(r);
        };
    }

    private static DD neg(DD a) {
        return new DD(-a.hi, -a.lo);
    }

    private static double round(DD a) {
        return a.hi + a.lo;
    }

    public static double sin(double x) {
        if (x == 0 || Double.isNaN(x) || Math.abs(x) > 8) {
            return StrictMath.sin(x);
        }
        return round(sinDD(x));
    }

    public static double cos(double x) {
        if (Double.isNaN(x) || Math.abs(x) > 8) {
            return StrictMath.cos(x);
        }
        return round(cosDD(x));
    }

    public static double asin(double a) {
        if (a == 0 || Double.isNaN(a) || Math.abs(a) > 1) {
            return StrictMath.asin(a);
        }
        double y0 = StrictMath.asin(a);
        // one Newton step on sin(y) = a: y = y0 + (a - sin(y0)) / cos(y0)
        DD residual = add(new DD(a, 0), neg(sinDD(y0)));
        double c = round(cosDD(y0));
        if (c == 0) {
            return y0;
        }
        double corr = (residual.hi + residual.lo) / c;
        return round(twoSum(y0, corr));
    }
}
