package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Database;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.types.ListValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import io.vellum.core.util.Text;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * List commands (Redis 7.2's t_list.c), blocking ones included.
 *
 * <p><b>Blocking.</b> BLPOP, BRPOP, BLMOVE, BRPOPLPUSH and BLMPOP serve at once when they can;
 * otherwise, outside MULTI and scripts, they block on their keys ({@link CommandContext#block})
 * and answer the null array at the deadline; inside MULTI and scripts they answer as if the
 * deadline had passed (7.2 never blocks there). When a key changes the command runs again
 * as a new unit. As in 7.2's blocked.c, a retry only proceeds when one of its keys holds a
 * list; otherwise the client keeps waiting where it was. A proceeding retry executes the
 * whole command again, so it may answer an error (WRONGTYPE of an earlier key) as 7.2 does.
 *
 * <p><b>Logging.</b> A served BLMOVE, BRPOPLPUSH or BLMPOP is logged as LMOVE, RPOPLPUSH or
 * LMPOP, which give the same reply and effects. A served BLPOP or BRPOP has no non-blocking
 * command with its reply (LPOP answers just the element, and the log's effect digest covers
 * replies), so it is logged as received: replay never blocks, and the keys hold the same
 * elements, so it pops the same element from the same key.
 */
public final class ListCommands implements CommandGroup {
    private static final boolean HEAD = true;
    private static final boolean TAIL = false;

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("lpush", ListCommands::lpush)
                .bind("rpush", ListCommands::rpush)
                .bind("lpushx", ListCommands::lpushx)
                .bind("rpushx", ListCommands::rpushx)
                .bind("linsert", ListCommands::linsert)
                .bind("llen", ListCommands::llen)
                .bind("lindex", ListCommands::lindex)
                .bind("lset", ListCommands::lset)
                .bind("lpop", ListCommands::lpop)
                .bind("rpop", ListCommands::rpop)
                .bind("lrange", ListCommands::lrange)
                .bind("ltrim", ListCommands::ltrim)
                .bind("lpos", ListCommands::lpos)
                .bind("lrem", ListCommands::lrem)
                .bind("lmove", ListCommands::lmove)
                .bind("rpoplpush", ListCommands::rpoplpush)
                .bind("lmpop", ListCommands::lmpop)
                .bind("blpop", ListCommands::blpop)
                .bind("brpop", ListCommands::brpop)
                .bind("blmove", ListCommands::blmove)
                .bind("brpoplpush", ListCommands::brpoplpush)
                .bind("blmpop", ListCommands::blmpop);
    }

    // ------------------------------------------------------------------ helpers

    /** The list at {@code key} for reading, null if absent; WRONGTYPE for other types. */
    static ListValue readList(CommandContext ctx, byte[] key) {
        return TypedLookup.read(ctx, key, ValueType.LIST, ListValue.class);
    }

    /** The list at {@code key} for changing in place, null if absent; WRONGTYPE for other types. */
    static ListValue writeList(CommandContext ctx, byte[] key) {
        return TypedLookup.write(ctx, key, ValueType.LIST, ListValue.class);
    }

    private static int fill(CommandContext ctx) {
        return ctx.config().listMaxListpackSize.intValue();
    }

    /** "left" / "right" (getListPositionFromObjectOrReply). */
    private static boolean side(CommandContext ctx, int arg) {
        if (ctx.argIs(arg, "right")) {
            return TAIL;
        }
        if (ctx.argIs(arg, "left")) {
            return HEAD;
        }
        throw Errors.E_SYNTAX;
    }

    private static byte[] sideName(boolean where) {
        return Text.latin1(where == HEAD ? "LEFT" : "RIGHT");
    }

    /**
     * listElementsRemoved: after elements were taken from {@code list}, deletes the key when
     * it is empty, else tries the shrinking conversion; the key is reported changed.
     */
    private static void elementsRemoved(CommandContext ctx, byte[] key, ListValue list, long count) {
        Database db = ctx.db();
        if (list.isEmpty()) {
            db.deleteIfEmpty(key, true);
        } else {
            list.afterRemoval(fill(ctx));
            db.signalModified(key);
        }
        ctx.addDirty(count - 1);
    }

    /**
     * Redis's range normalization (addListRangeReply, ltrimCommand): negative indexes count
     * from the tail; returns {start, end} inside the list, or null for an empty range.
     */
    private static long[] clampRange(long start, long end, long llen) {
        if (start < 0) {
            start = llen + start;
        }
        if (end < 0) {
            end = llen + end;
        }
        if (start < 0) {
            start = 0;
        }
        if (start > end || start >= llen) {
            return null;
        }
        return new long[] {start, Math.min(end, llen - 1)};
    }

    /** Replies with elements {@code start..end} (Redis's addListRangeReply, negative indexes allowed). */
    private static void rangeReply(ReplySink out, ListValue list, long start, long end) {
        long[] r = clampRange(start, end, list.size());
        if (r == null) {
            out.array(0);
            return;
        }
        int n = (int) (r[1] - r[0] + 1);
        out.array(n);
        for (int i = 0; i < n; i++) {
            out.bulk(list.get((int) r[0] + i));
        }
    }

    /** Pops up to {@code count} elements, replying with them (LPOP/RPOP with a count). */
    private static long popRangeReply(ReplySink out, ListValue list, boolean where, long count) {
        int n = (int) Math.min(count, list.size());
        out.array(n);
        for (int i = 0; i < n; i++) {
            out.bulk(list.pop(where));
        }
        return n;
    }

    // ------------------------------------------------------------------ push

    /* LPUSH key element [element ...] */
    static void lpush(CommandContext ctx) {
        pushGeneric(ctx, HEAD, false);
    }

    /* RPUSH key element [element ...] */
    static void rpush(CommandContext ctx) {
        pushGeneric(ctx, TAIL, false);
    }

    /* LPUSHX key element [element ...] */
    static void lpushx(CommandContext ctx) {
        pushGeneric(ctx, HEAD, true);
    }

    /* RPUSHX key element [element ...] */
    static void rpushx(CommandContext ctx) {
        pushGeneric(ctx, TAIL, true);
    }

    /** LPUSH/RPUSH/LPUSHX/RPUSHX; {@code xx}: only when the key exists. */
    private static void pushGeneric(CommandContext ctx, boolean where, boolean xx) {
        byte[] key = ctx.arg(1);
        ListValue list = writeList(ctx, key);
        boolean created = list == null;
        if (created) {
            if (xx) {
                ctx.reply().integer(0);
                return;
            }
            list = ListValue.create();
        }
        list.beforeAppend(ctx.argv(), 2, ctx.argc() - 1, fill(ctx));
        for (int j = 2; j < ctx.argc(); j++) {
            list.push(ctx.arg(j), where);
        }
        if (created) {
            ctx.db().add(key, list);
        } else {
            ctx.db().signalModified(key);
        }
        ctx.addDirty(ctx.argc() - 3);
        ctx.reply().integer(list.size());
    }

    /* LINSERT key <BEFORE | AFTER> pivot element */
    static void linsert(CommandContext ctx) {
        boolean after;
        if (ctx.argIs(2, "after")) {
            after = true;
        } else if (ctx.argIs(2, "before")) {
            after = false;
        } else {
            throw Errors.E_SYNTAX;
        }
        byte[] key = ctx.arg(1);
        ListValue list = writeList(ctx, key);
        if (list == null) {
            ctx.reply().integer(0);
            return;
        }
        // As Redis: the growing conversion is tried before the pivot is looked for.
        list.beforeAppend(ctx.arg(4), fill(ctx));
        int pivot = list.indexOf(ctx.arg(3));
        if (pivot < 0) {
            ctx.reply().integer(-1);
            return;
        }
        list.insert(pivot, after, ctx.arg(4));
        ctx.db().signalModified(key);
        ctx.reply().integer(list.size());
    }

    // ------------------------------------------------------------------ read

    /* LLEN key */
    static void llen(CommandContext ctx) {
        ListValue list = readList(ctx, ctx.arg(1));
        ctx.reply().integer(list == null ? 0 : list.size());
    }

    /* LINDEX key index */
    static void lindex(CommandContext ctx) {
        ListValue list = readList(ctx, ctx.arg(1));
        if (list == null) {
            ctx.reply().nullBulk();
            return;
        }
        int pos = list.position(ctx.longArg(2));
        ctx.reply().bulkOrNull(pos < 0 ? null : list.get(pos));
    }

    /* LRANGE key start stop */
    static void lrange(CommandContext ctx) {
        long start = ctx.longArg(2);
        long end = ctx.longArg(3);
        ListValue list = readList(ctx, ctx.arg(1));
        if (list == null) {
            ctx.reply().array(0);
            return;
        }
        rangeReply(ctx.reply(), list, start, end);
    }

    private static final String RANK_ZERO = "ERR RANK can't be zero: use 1 to start from the first match, "
            + "2 from the second ... or use negative to start from the end of the list";

    /* LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] */
    static void lpos(CommandContext ctx) {
        byte[] ele = ctx.arg(2);
        long rank = 1;
        long count = -1; // not given
        long maxlen = 0;
        for (int j = 3; j < ctx.argc(); j++) {
            boolean moreArgs = ctx.argc() - 1 - j > 0;
            if (ctx.argIs(j, "rank") && moreArgs) {
                j++;
                rank = LongArgs.range(ctx, j, -Long.MAX_VALUE, Long.MAX_VALUE, null);
                if (rank == 0) {
                    throw new CommandError(RANK_ZERO);
                }
            } else if (ctx.argIs(j, "count") && moreArgs) {
                j++;
                count = LongArgs.positive(ctx, j, "ERR COUNT can't be negative");
            } else if (ctx.argIs(j, "maxlen") && moreArgs) {
                j++;
                maxlen = LongArgs.positive(ctx, j, "ERR MAXLEN can't be negative");
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        boolean fromTail = rank < 0;
        if (fromTail) {
            rank = -rank;
        }
        ListValue list = readList(ctx, ctx.arg(1));
        if (list == null) {
            if (count != -1) {
                ctx.reply().array(0);
            } else {
                ctx.reply().nullBulk();
            }
            return;
        }
        int llen = list.size();
        List<Long> found = count != -1 ? new ArrayList<>() : null;
        long matches = 0;
        long matchIndex = -1;
        for (long index = 0; index < llen && (maxlen == 0 || index < maxlen); index++) {
            int pos = (int) (fromTail ? llen - 1 - index : index);
            if (Arrays.equals(list.get(pos), ele)) {
                matches++;
                if (matches >= rank) {
                    if (found == null) {
                        matchIndex = pos;
                        break;
                    }
                    found.add((long) pos);
                    if (count != 0 && matches - rank + 1 >= count) {
                        break;
                    }
                }
            }
        }
        if (found != null) {
            ctx.reply().array(found.size());
            for (long p : found) {
                ctx.reply().integer(p);
            }
        } else if (matchIndex >= 0) {
            ctx.reply().integer(matchIndex);
        } else {
            ctx.reply().nullBulk();
        }
    }

    // ------------------------------------------------------------------ change in place

    /* LSET key index element */
    static void lset(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        ListValue list = writeList(ctx, key);
        if (list == null) {
            throw Errors.E_NO_SUCH_KEY;
        }
        long index = ctx.longArg(2);
        byte[] e = ctx.arg(3);
        // As Redis: the growing conversion is tried before the index is checked.
        list.beforeAppend(e, fill(ctx));
        int pos = list.position(index);
        if (pos < 0) {
            throw Errors.E_OUT_OF_RANGE;
        }
        list.set(pos, e);
        list.afterRemoval(fill(ctx));
        ctx.db().signalModified(key);
        ctx.reply().ok();
    }

    /* LTRIM key start stop */
    static void ltrim(CommandContext ctx) {
        long start = ctx.longArg(2);
        long end = ctx.longArg(3);
        byte[] key = ctx.arg(1);
        ListValue list = writeList(ctx, key);
        if (list == null) {
            ctx.reply().ok();
            return;
        }
        long llen = list.size();
        long[] r = clampRange(start, end, llen);
        long ltrim = r == null ? llen : r[0];
        long rtrim = r == null ? 0 : llen - r[1] - 1;
        list.removeEnd((int) ltrim, HEAD);
        list.removeEnd((int) rtrim, TAIL);
        // Redis signals the key even when nothing was trimmed (WATCH sees it).
        elementsRemoved(ctx, key, list, Math.max(1, ltrim + rtrim));
        ctx.reply().ok();
    }

    /* LREM key count element */
    static void lrem(CommandContext ctx) {
        long toRemove = ctx.longArg(2);
        byte[] key = ctx.arg(1);
        ListValue list = writeList(ctx, key);
        if (list == null) {
            ctx.reply().integer(0);
            return;
        }
        long removed = list.remove(ctx.arg(3), toRemove);
        if (removed > 0) {
            elementsRemoved(ctx, key, list, removed);
        }
        ctx.reply().integer(removed);
    }

    // ------------------------------------------------------------------ pop

    /* LPOP key [count] */
    static void lpop(CommandContext ctx) {
        popGeneric(ctx, HEAD);
    }

    /* RPOP key [count] */
    static void rpop(CommandContext ctx) {
        popGeneric(ctx, TAIL);
    }

    private static void popGeneric(CommandContext ctx, boolean where) {
        boolean hasCount = ctx.argc() == 3;
        if (ctx.argc() > 3) {
            throw new CommandError(Errors.wrongArgs(ctx.spec().fullName()));
        }
        long count = hasCount ? LongArgs.positive(ctx, 2, null) : 0;
        byte[] key = ctx.arg(1);
        ListValue list = writeList(ctx, key);
        if (list == null) {
            if (hasCount) {
                ctx.reply().nullArray();
            } else {
                ctx.reply().nullBulk();
            }
            return;
        }
        if (hasCount && count == 0) {
            ctx.reply().array(0);
            return;
        }
        long n;
        if (!hasCount) {
            ctx.reply().bulk(list.pop(where));
            n = 1;
        } else {
            n = popRangeReply(ctx.reply(), list, where, count);
        }
        elementsRemoved(ctx, key, list, n);
    }

    /* LMPOP numkeys key [key ...] <LEFT | RIGHT> [COUNT count] */
    static void lmpop(CommandContext ctx) {
        mpopGeneric(ctx, 1, false);
    }

    /** LMPOP/BLMPOP: parses numkeys at {@code numkeysIdx}, the keys, the side and COUNT. */
    private static void mpopGeneric(CommandContext ctx, int numkeysIdx, boolean blocking) {
        long numkeys = LongArgs.range(ctx, numkeysIdx, 1, Long.MAX_VALUE, "ERR numkeys should be greater than 0");
        if (numkeys >= ctx.argc()) {
            throw Errors.E_SYNTAX;
        }
        int whereIdx = numkeysIdx + (int) numkeys + 1;
        if (whereIdx >= ctx.argc()) {
            throw Errors.E_SYNTAX;
        }
        boolean where = side(ctx, whereIdx);
        long count = -1;
        for (int j = whereIdx + 1; j < ctx.argc(); j++) {
            boolean moreArgs = ctx.argc() - 1 - j > 0;
            if (count == -1 && ctx.argIs(j, "count") && moreArgs) {
                j++;
                count = LongArgs.range(ctx, j, 1, Long.MAX_VALUE, "ERR count should be greater than 0");
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (count == -1) {
            count = 1;
        }
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < numkeys; i++) {
            keys.add(ctx.arg(numkeysIdx + 1 + i));
        }
        if (blocking) {
            blockingPop(ctx, keys, where, 1, count);
            return;
        }
        int i = firstList(ctx, keys);
        if (i < 0) {
            ctx.reply().nullArray();
            return;
        }
        popWithKey(ctx, keys.get(i), writeList(ctx, keys.get(i)), where, count);
    }

    /**
     * The index of the first of {@code keys} that holds a list, or -1; WRONGTYPE when a key
     * before it holds another type. Keys are looked up for reading, so a logically expired
     * key is skipped without being deleted: a command that then blocks changes nothing (and
     * is not logged), and LMPOP replays exactly what a served BLMPOP did.
     */
    private static int firstList(CommandContext ctx, List<byte[]> keys) {
        for (int i = 0; i < keys.size(); i++) {
            if (readList(ctx, keys.get(i)) != null) {
                return i;
            }
        }
        return -1;
    }

    /** listPopRangeAndReplyWithKey: [key, [elements...]]. */
    private static void popWithKey(CommandContext ctx, byte[] key, ListValue list, boolean where, long count) {
        ctx.reply().array(2);
        ctx.reply().bulk(key);
        long n = popRangeReply(ctx.reply(), list, where, count);
        elementsRemoved(ctx, key, list, n);
    }

    // ------------------------------------------------------------------ move

    /* LMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> */
    static void lmove(CommandContext ctx) {
        boolean from = side(ctx, 3);
        boolean to = side(ctx, 4);
        moveGeneric(ctx, from, to);
    }

    /* RPOPLPUSH source destination */
    static void rpoplpush(CommandContext ctx) {
        moveGeneric(ctx, TAIL, HEAD);
    }

    /**
     * lmoveGenericCommand: pops from the source, pushes to the destination (created if
     * needed), replies with the element. Returns false (after replying null) when the
     * source does not exist.
     */
    private static boolean moveGeneric(CommandContext ctx, boolean from, boolean to) {
        byte[] srcKey = ctx.arg(1);
        byte[] dstKey = ctx.arg(2);
        ListValue src = writeList(ctx, srcKey);
        if (src == null) {
            ctx.reply().nullBulk();
            return false;
        }
        ListValue dst = writeList(ctx, dstKey);
        byte[] value = src.pop(from);
        int fill = fill(ctx);
        boolean created = dst == null;
        if (created) {
            dst = ListValue.create();
        }
        dst.beforeAppend(value, fill);
        dst.push(value, to);
        if (created) {
            ctx.db().add(dstKey, dst);
        } else if (dst != src) {
            ctx.db().signalModified(dstKey);
        }
        ctx.reply().bulk(value);
        elementsRemoved(ctx, srcKey, src, 1);
        return true;
    }

    // ------------------------------------------------------------------ blocking

    /* BLPOP key [key ...] timeout */
    static void blpop(CommandContext ctx) {
        blockingPop(ctx, keysBetween(ctx, 1, ctx.argc() - 2), HEAD, ctx.argc() - 1, -1);
    }

    /* BRPOP key [key ...] timeout */
    static void brpop(CommandContext ctx) {
        blockingPop(ctx, keysBetween(ctx, 1, ctx.argc() - 2), TAIL, ctx.argc() - 1, -1);
    }

    /* BLMPOP timeout numkeys key [key ...] <LEFT | RIGHT> [COUNT count] */
    static void blmpop(CommandContext ctx) {
        mpopGeneric(ctx, 2, true);
    }

    private static List<byte[]> keysBetween(CommandContext ctx, int first, int last) {
        List<byte[]> keys = new ArrayList<>(last - first + 1);
        for (int i = first; i <= last; i++) {
            keys.add(ctx.arg(i));
        }
        return keys;
    }

    /** True when one of {@code keys} holds a list: only then does a retry run the command again. */
    private static boolean anyList(CommandContext ctx, List<byte[]> keys) {
        for (byte[] k : keys) {
            Value v = ctx.db().lookupReadNoTouch(k);
            if (v != null && v.type() == ValueType.LIST) {
                return true;
            }
        }
        return false;
    }

    /**
     * blockingPopGenericCommand: pops from the first non-empty list of {@code keys}, else
     * blocks. {@code count} -1 is BLPOP/BRPOP's [key, element] reply, otherwise BLMPOP's
     * [key, [elements]].
     */
    private static void blockingPop(CommandContext ctx, List<byte[]> keys, boolean where, int timeoutIdx, long count) {
        long timeout = BlockingTimeout.millis(ctx, timeoutIdx);
        if (ctx.isRetry() && !anyList(ctx, keys)) {
            ctx.block(keys, timeout, ReplySink::nullArray);
            return;
        }
        int i = firstList(ctx, keys);
        if (i >= 0) {
            byte[] key = keys.get(i);
            ListValue list = writeList(ctx, key);
            if (count != -1) {
                popWithKey(ctx, key, list, where, count);
                if (ctx.canBlock()) {
                    ctx.logAs(UnitRecord.Kind.COMMAND, List.<byte[][]>of(asLmpop(ctx)));
                }
                return;
            }
            byte[] value = list.pop(where);
            ctx.reply().array(2);
            ctx.reply().bulk(key);
            ctx.reply().bulk(value);
            elementsRemoved(ctx, key, list, 1);
            return;
        }
        if (!ctx.canBlock()) {
            ctx.reply().nullArray();
            return;
        }
        ctx.block(keys, timeout, ReplySink::nullArray);
    }

    /** BLMPOP timeout numkeys ... as LMPOP numkeys ... (the same reply and effect). */
    private static byte[][] asLmpop(CommandContext ctx) {
        byte[][] argv = new byte[ctx.argc() - 1][];
        argv[0] = Text.latin1("LMPOP");
        System.arraycopy(ctx.argv(), 2, argv, 1, ctx.argc() - 2);
        return argv;
    }

    /* BLMOVE source destination <LEFT | RIGHT> <LEFT | RIGHT> timeout */
    static void blmove(CommandContext ctx) {
        boolean from = side(ctx, 3);
        boolean to = side(ctx, 4);
        long timeout = BlockingTimeout.millis(ctx, 5);
        blockingMove(ctx, from, to, timeout, new byte[][] {Text.latin1("LMOVE"), ctx.arg(1), ctx.arg(2), sideName(from), sideName(to)});
    }

    /* BRPOPLPUSH source destination timeout */
    static void brpoplpush(CommandContext ctx) {
        long timeout = BlockingTimeout.millis(ctx, 3);
        blockingMove(ctx, TAIL, HEAD, timeout, new byte[][] {Text.latin1("RPOPLPUSH"), ctx.arg(1), ctx.arg(2)});
    }

    /** blmoveGenericCommand: moves at once when the source exists, else blocks on it. */
    private static void blockingMove(CommandContext ctx, boolean from, boolean to, long timeout, byte[][] loggedAs) {
        List<byte[]> keys = List.of(ctx.arg(1));
        if (ctx.isRetry() && !anyList(ctx, keys)) {
            ctx.block(keys, timeout, ReplySink::nullArray);
            return;
        }
        ListValue src = readList(ctx, ctx.arg(1));
        if (src == null) {
            if (ctx.canBlock()) {
                ctx.block(keys, timeout, ReplySink::nullArray);
            } else {
                ctx.reply().nullBulk();
            }
            return;
        }
        if (moveGeneric(ctx, from, to) && ctx.canBlock()) {
            ctx.logAs(UnitRecord.Kind.COMMAND, List.<byte[][]>of(loggedAs));
        }
    }
}
