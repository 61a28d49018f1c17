package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.util.LongDouble;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * The timeout argument of the blocking commands (BLPOP, BLMOVE, BZPOPMIN...), parsed as
 * Redis's getTimeoutFromObjectOrReply(UNIT_SECONDS) does: a long double (string2ld)
 * multiplied by 1000 in x87 precision, rounded up to whole milliseconds. Zero means "wait
 * forever"; a small negative number such as -0.0001 rounds up to zero and also waits forever,
 * as in Redis.
 */
public final class BlockingTimeout {
    private static final BigDecimal LLONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);

    private BlockingTimeout() {
    }

    /** The timeout in argument {@code arg} as milliseconds from now; 0 for none. */
    public static long millis(CommandContext ctx, int arg) {
        LongDouble v = LongDouble.parse(ctx.arg(arg));
        if (v == null) {
            throw new CommandError("ERR timeout is not a float or out of range");
        }
        long ms;
        if (v.isInfinite()) {
            if (v.toHumanString().startsWith("-")) {
                throw new CommandError("ERR timeout is negative");
            }
            throw outOfRange();
        }
        BigDecimal product = roundToLongDouble(v.exact().multiply(THOUSAND));
        if (product.compareTo(LLONG_MAX) > 0) {
            throw outOfRange();
        }
        BigDecimal up = product.setScale(0, RoundingMode.CEILING);
        ms = up.compareTo(BigDecimal.valueOf(Long.MIN_VALUE)) < 0 ? Long.MIN_VALUE : up.longValueExact();
        if (ms < 0) {
            throw new CommandError("ERR timeout is negative");
        }
        if (ms > 0 && ms > Long.MAX_VALUE - ctx.nowMillis()) {
            throw outOfRange();
        }
        return ms;
    }

    private static CommandError outOfRange() {
        return new CommandError("ERR timeout is out of range");
    }

    /** {@code x} rounded to a 64-bit significand, ties to even (an x87 multiplication's result). */
    static BigDecimal roundToLongDouble(BigDecimal x) {
        if (x.signum() == 0) {
            return x;
        }
        BigInteger num = x.unscaledValue().abs();
        BigInteger den = BigInteger.ONE;
        if (x.scale() > 0) {
            den = BigInteger.TEN.pow(x.scale());
        } else {
            num = num.multiply(BigInteger.TEN.pow(-x.scale()));
        }
        int e = num.bitLength() - den.bitLength() - 64;
        while (true) {
            int bits = quotient(num, den, e).bitLength();
            if (bits > 64) {
                e++;
            } else if (bits < 64) {
                e--;
            } else {
                break;
            }
        }
        BigInteger n = e < 0 ? num.shiftLeft(-e) : num;
        BigInteger d = e > 0 ? den.shiftLeft(e) : den;
        BigInteger[] qr = n.divideAndRemainder(d);
        BigInteger q = qr[0];
        int cmp = qr[1].shiftLeft(1).compareTo(d);
        if (cmp > 0 || (cmp == 0 && q.testBit(0))) {
            q = q.add(BigInteger.ONE);
        }
        BigDecimal r = new BigDecimal(q);
        r = e >= 0 ? r.multiply(new BigDecimal(BigInteger.TWO.pow(e)))
                : r.divide(new BigDecimal(BigInteger.TWO.pow(-e)));
        return x.signum() < 0 ? r.negate() : r;
    }

    private static BigInteger quotient(BigInteger num, BigInteger den, int e) {
        return e >= 0 ? num.divide(den.shiftLeft(e)) : num.shiftLeft(-e).divide(den);
    }
}
