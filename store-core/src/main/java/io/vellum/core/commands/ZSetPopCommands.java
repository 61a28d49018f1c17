package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.data.ZSkipList.Node;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import io.vellum.core.types.ZSetValue;
import io.vellum.core.util.LongDouble;
import io.vellum.core.util.Longs;
import io.vellum.core.util.Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ZPOPMIN, ZPOPMAX, ZMPOP and the blocking BZPOPMIN, BZPOPMAX, BZMPOP (Redis's
 * genericZpopCommand and blockingGenericZpopCommand).
 *
 * <p>A blocking pop that finds nothing blocks its client without holding the engine
 * ({@link CommandContext#block}); when one of its keys changes the command runs again as a
 * unit of its own. A pop that is served — at once or on such a retry — is logged as the
 * ZPOPMIN/ZPOPMAX it became, as Redis propagates it. Inside MULTI, scripts and replay the
 * commands never block: they answer as a timeout would.
 */
final class ZSetPopCommands {
    private ZSetPopCommands() {
    }

    static void register(CommandTable.Binder b) {
        b.bind("zpopmin", ctx -> zpopMinMax(ctx, false))
                .bind("zpopmax", ctx -> zpopMinMax(ctx, true))
                .bind("zmpop", ctx -> zmpopGeneric(ctx, 1, false))
                .bind("bzpopmin", ctx -> bzpop(ctx, false))
                .bind("bzpopmax", ctx -> bzpop(ctx, true))
                .bind("bzmpop", ctx -> zmpopGeneric(ctx, 2, true));
    }

    private static final byte[] ZPOPMIN = Text.latin1("ZPOPMIN");
    private static final byte[] ZPOPMAX = Text.latin1("ZPOPMAX");

    /* ZPOPMIN key [count], ZPOPMAX key [count] */
    private static void zpopMinMax(CommandContext ctx, boolean max) {
        if (ctx.argc() > 3) {
            throw Errors.E_SYNTAX;
        }
        long count = ctx.argc() == 3 ? SetCommands.positiveLong(ctx, 2) : -1;
        boolean nested = ctx.reply().protocol() > 2 && count != -1;
        pop(ctx, List.of(ctx.arg(1)), max, false, count, nested, false);
    }

    /**
     * Redis's genericZpopCommand: pops from the first of {@code keys} that exists (WRONGTYPE
     * when a key before it, or it, holds another type). {@code count} -1 is the single pop.
     * {@code emitKey} puts the key name in the reply, {@code nested} pairs member and score
     * in arrays, {@code nilWhenEmpty} answers a null array rather than an empty one when no
     * key exists. Returns how many elements were popped (0 when none).
     */
    private static long pop(CommandContext ctx, List<byte[]> keys, boolean max, boolean emitKey, long count,
            boolean nested, boolean nilWhenEmpty) {
        ZSetValue z = null;
        byte[] key = null;
        for (byte[] k : keys) {
            z = ZSetCommands.writeZset(ctx, k);
            if (z != null) {
                key = k;
                break;
            }
        }
        ReplySink out = ctx.reply();
        if (z == null) {
            if (nilWhenEmpty) {
                out.nullArray();
            } else {
                out.array(0);
            }
            return 0;
        }
        if (count == 0) {
            out.array(0);
            return 0;
        }
        long n = Math.min(count == -1 ? 1 : count, z.size());
        if (!nested && !emitKey) {
            out.array((int) (n * 2));
        } else if (nested && !emitKey) {
            out.array((int) n);
        } else if (!nested) {
            out.array((int) (n * 2 + 1));
            out.bulk(key);
        } else {
            out.array(2);
            out.bulk(key);
            out.array((int) n);
        }
        for (long i = 0; i < n; i++) {
            Node e = max ? z.last() : z.first();
            byte[] member = e.member();
            double score = e.score();
            z.remove(member);
            if (nested) {
                out.array(2);
            }
            out.bulk(member);
            out.doubleValue(score);
        }
        SetCommands.changed(ctx.db(), key, z.isEmpty());
        return n;
    }

    /* ZMPOP numkeys key [key ...] MIN | MAX [COUNT count]
     * BZMPOP timeout numkeys key [key ...] MIN | MAX [COUNT count] */
    private static void zmpopGeneric(CommandContext ctx, int numkeysIdx, boolean block) {
        long numkeys = SetCommands.rangeLong(ctx, numkeysIdx, 1, Long.MAX_VALUE, "numkeys should be greater than 0");
        if (numkeys >= ctx.argc()) {
            throw Errors.E_SYNTAX; // the MIN|MAX argument cannot exist
        }
        int whereIdx = numkeysIdx + (int) numkeys + 1;
        if (whereIdx >= ctx.argc()) {
            throw Errors.E_SYNTAX;
        }
        boolean max;
        if (ctx.argIs(whereIdx, "min")) {
            max = false;
        } else if (ctx.argIs(whereIdx, "max")) {
            max = true;
        } else {
            throw Errors.E_SYNTAX;
        }
        long count = -1;
        for (int j = whereIdx + 1; j < ctx.argc(); j++) {
            if (count == -1 && ctx.argIs(j, "count") && j + 1 < ctx.argc()) {
                count = SetCommands.rangeLong(ctx, ++j, 1, Long.MAX_VALUE, "count should be greater than 0");
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (count == -1) {
            count = 1;
        }
        List<byte[]> keys = Arrays.asList(ctx.argv()).subList(numkeysIdx + 1, whereIdx);
        if (block) {
            blockingPop(ctx, keys, max, timeoutMillis(ctx, 1), count, true, true);
        } else {
            pop(ctx, keys, max, true, count, true, true);
        }
    }

    /* BZPOPMIN key [key ...] timeout, BZPOPMAX key [key ...] timeout */
    private static void bzpop(CommandContext ctx, boolean max) {
        long timeout = timeoutMillis(ctx, ctx.argc() - 1);
        List<byte[]> keys = Arrays.asList(ctx.argv()).subList(1, ctx.argc() - 1);
        blockingPop(ctx, keys, max, timeout, -1, false, false);
    }

    /** Redis's blockingGenericZpopCommand. */
    private static void blockingPop(CommandContext ctx, List<byte[]> keys, boolean max, long timeoutMillis, long count,
            boolean nested, boolean nilWhenEmpty) {
        // Redis re-runs a blocked client only when a key it waits on now holds a sorted set
        if (!ctx.isRetry() || holdsZset(ctx, keys)) {
            for (byte[] key : keys) {
                Value v = ctx.db().lookupWrite(key);
                if (v == null) {
                    continue;
                }
                if (v.type() != ValueType.ZSET) {
                    throw Errors.E_WRONG_TYPE;
                }
                long popped = pop(ctx, List.of(key), max, true, count, nested, nilWhenEmpty);
                if (ctx.canBlock()) {
                    byte[] verb = max ? ZPOPMAX : ZPOPMIN;
                    ctx.logAs(UnitRecord.Kind.COMMAND, List.<byte[][]>of(count == -1
                            ? new byte[][] {verb, key}
                            : new byte[][] {verb, key, Longs.toBytes(popped)}));
                }
                return;
            }
        }
        if (!ctx.canBlock()) {
            ctx.reply().nullArray();
            return;
        }
        ctx.block(new ArrayList<>(keys), timeoutMillis, ReplySink::nullArray);
    }

    private static boolean holdsZset(CommandContext ctx, List<byte[]> keys) {
        for (byte[] key : keys) {
            Value v = ctx.db().lookupReadNoTouch(key);
            if (v != null && v.type() == ValueType.ZSET) {
                return true;
            }
        }
        return false;
    }

    private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(10_000_000_000_000_000L);
    private static final BigDecimal LLONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    /**
     * Redis 7.2's getTimeoutFromObjectOrReply in seconds: a long double times 1000 (rounded
     * as the x87 multiplication rounds it), rounded up to whole milliseconds; 0 waits
     * forever. Returns the relative timeout in milliseconds.
     */
    static long timeoutMillis(CommandContext ctx, int i) {
        LongDouble ld = LongDouble.parse(ctx.arg(i));
        if (ld == null) {
            throw new CommandError("ERR timeout is not a float or out of range");
        }
        CommandError outOfRange = new CommandError("ERR timeout is out of range");
        CommandError negative = new CommandError("ERR timeout is negative");
        boolean minus = ctx.arg(i)[0] == '-';
        if (ld.isInfinite()) {
            throw minus ? negative : outOfRange;
        }
        BigDecimal seconds = ld.exact();
        if (seconds.compareTo(MAX_SECONDS) > 0) {
            throw outOfRange;
        }
        if (seconds.negate().compareTo(MAX_SECONDS) > 0) {
            throw negative;
        }
        BigDecimal ms = roundToLongDouble(seconds.multiply(BigDecimal.valueOf(1000)));
        if (ms.compareTo(LLONG_MAX) > 0) {
            throw outOfRange;
        }
        long tval = ms.setScale(0, RoundingMode.CEILING).longValueExact();
        if (tval < 0) {
            throw negative;
        }
        if (tval > 0 && tval > Long.MAX_VALUE - ctx.nowMillis()) {
            throw outOfRange;
        }
        return tval;
    }

    private static final BigInteger TWO_63 = BigInteger.ONE.shiftLeft(63);
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    /** {@code x} rounded to a 64-bit significand, ties to even (an x87 long double result). */
    static BigDecimal roundToLongDouble(BigDecimal x) {
        if (x.signum() == 0) {
            return x;
        }
        BigDecimal a = x.abs();
        // a = 2^e * m with 2^63 <= m < 2^64
        int e = a.toBigInteger().bitLength() - 64;
        if (a.compareTo(BigDecimal.ONE) < 0) {
            e = -64 - (int) Math.ceil((a.scale() - a.precision()) * 3.3219280948873626) - 4;
        }
        BigDecimal m = scaleByPowerOfTwo(a, -e);
        while (m.compareTo(new BigDecimal(TWO_64)) >= 0) {
            e++;
            m = scaleByPowerOfTwo(a, -e);
        }
        while (m.compareTo(new BigDecimal(TWO_63)) < 0) {
            e--;
            m = scaleByPowerOfTwo(a, -e);
        }
        BigInteger q = m.setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        BigDecimal r = scaleByPowerOfTwo(new BigDecimal(q), e);
        return x.signum() < 0 ? r.negate() : r;
    }

    private static BigDecimal scaleByPowerOfTwo(BigDecimal v, int k) {
        if (k >= 0) {
            return v.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(k)));
        }
        // dividing by 2^-k is multiplying by 5^-k and shifting the decimal point
        return v.multiply(new BigDecimal(BigInteger.valueOf(5).pow(-k))).scaleByPowerOfTen(k);
    }
}
