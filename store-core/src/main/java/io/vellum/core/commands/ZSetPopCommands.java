package io.vellum.core.commands;

import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.data.ZSkipList.Node;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import io.vellum.core.types.ZSetValue;
import io.vellum.core.util.Text;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ZPOPMIN, ZPOPMAX, ZMPOP and the blocking BZPOPMIN, BZPOPMAX, BZMPOP (Redis's
 * genericZpopCommand and blockingGenericZpopCommand).
 *
 * <p>A blocking pop that finds nothing blocks its client without holding the engine
 * ({@link CommandContext#block}); when one of its keys changes the command runs again as a
 * unit of its own. A served BZMPOP is logged as the ZMPOP it became; BZPOPMIN/BZPOPMAX as
 * received (see {@link #blockingPop}). Inside MULTI, scripts and replay the commands never
 * block: they answer as a timeout would.
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

    private static final byte[] ZMPOP = Text.latin1("ZMPOP");

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
            long timeout = BlockingTimeout.millis(ctx, 1);
            byte[][] asZmpop = new byte[ctx.argc() - 1][];
            asZmpop[0] = ZMPOP;
            System.arraycopy(ctx.argv(), 2, asZmpop, 1, ctx.argc() - 2);
            blockingPop(ctx, keys, max, timeout, count, true, true, asZmpop);
        } else {
            pop(ctx, keys, max, true, count, true, true);
        }
    }

    /* BZPOPMIN key [key ...] timeout, BZPOPMAX key [key ...] timeout */
    private static void bzpop(CommandContext ctx, boolean max) {
        long timeout = BlockingTimeout.millis(ctx, ctx.argc() - 1);
        List<byte[]> keys = Arrays.asList(ctx.argv()).subList(1, ctx.argc() - 1);
        blockingPop(ctx, keys, max, timeout, -1, false, false, null);
    }

    /**
     * Redis's blockingGenericZpopCommand. A pop served here is logged as {@code loggedAs} when
     * given: the non-blocking command with the same effect and the same reply (BZMPOP as
     * ZMPOP), which replay verifies through the unit's effect digest. BZPOPMIN/BZPOPMAX have
     * no such twin (ZPOPMIN's reply lacks the key), so they are logged as received: replay
     * never blocks, and serves them as they were served.
     */
    private static void blockingPop(CommandContext ctx, List<byte[]> keys, boolean max, long timeoutMillis, long count,
            boolean nested, boolean nilWhenEmpty, byte[][] loggedAs) {
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
                pop(ctx, List.of(key), max, true, count, nested, nilWhenEmpty);
                if (loggedAs != null && ctx.canBlock()) {
                    ctx.logAs(UnitRecord.Kind.COMMAND, List.<byte[][]>of(loggedAs));
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
}
