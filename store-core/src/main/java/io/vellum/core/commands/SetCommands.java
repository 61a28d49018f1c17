package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Database;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.SetValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import io.vellum.core.util.Longs;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Set commands (Redis's t_set.c). Random picks draw from the unit's generator; where Redis's
 * result order follows from its algorithm (intset order, listpack order, the order SUNION
 * builds its result in) Vellum follows the same algorithm, so only hashtable-encoded
 * results differ in order (Vellum: insertion order; Redis: hash order).
 */
public final class SetCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("sadd", SetCommands::sadd)
                .bind("srem", SetCommands::srem)
                .bind("smove", SetCommands::smove)
                .bind("sismember", SetCommands::sismember)
                .bind("smismember", SetCommands::smismember)
                .bind("scard", SetCommands::scard)
                .bind("smembers", SetCommands::smembers)
                .bind("spop", SetCommands::spop)
                .bind("srandmember", SetCommands::srandmember)
                .bind("sinter", SetCommands::sinter)
                .bind("sintercard", SetCommands::sintercard)
                .bind("sinterstore", SetCommands::sinterstore)
                .bind("sunion", SetCommands::sunion)
                .bind("sunionstore", SetCommands::sunionstore)
                .bind("sdiff", SetCommands::sdiff)
                .bind("sdiffstore", SetCommands::sdiffstore)
                .bind("sscan", SetCommands::sscan);
    }

    // ------------------------------------------------------------------ helpers

    /** The set at {@code key} for reading, null if absent; WRONGTYPE for other types. */
    static SetValue readSet(CommandContext ctx, byte[] key) {
        Value v = ctx.db().lookupRead(key);
        if (v != null && v.type() != ValueType.SET) {
            throw Errors.E_WRONG_TYPE;
        }
        return (SetValue) v;
    }

    /** The set at {@code key} for changing in place, null if absent; WRONGTYPE for other types. */
    static SetValue writeSet(CommandContext ctx, byte[] key) {
        Value v = ctx.db().lookupWrite(key);
        if (v != null && v.type() != ValueType.SET) {
            throw Errors.E_WRONG_TYPE;
        }
        return (SetValue) v;
    }

    /** Reports an in-place change of a collection, deleting the key when it became empty. */
    static void changed(Database db, byte[] key, boolean empty) {
        if (empty) {
            db.deleteIfEmpty(key, true);
        } else {
            db.signalModified(key);
        }
    }

    /**
     * Redis's getRangeLongFromObjectOrReply: argument {@code i} as an integer within
     * [min, max]. With a message, both a non-integer and an out-of-range value get "ERR msg".
     */
    static long rangeLong(CommandContext ctx, int i, long min, long max, String msg) {
        byte[] b = ctx.arg(i);
        if (!Longs.isLong(b)) {
            throw msg != null ? new CommandError("ERR " + msg) : Errors.E_NOT_INTEGER;
        }
        long v = Longs.parseValid(b);
        if (v < min || v > max) {
            throw new CommandError(msg != null ? "ERR " + msg
                    : "ERR value is out of range, value must between " + min + " and " + max);
        }
        return v;
    }

    /** getPositiveLongFromObjectOrReply without a message of its own. */
    static long positiveLong(CommandContext ctx, int i) {
        return rangeLong(ctx, i, 0, Long.MAX_VALUE, "value is out of range, must be positive");
    }

    /** Stores a computed collection at {@code dst} (replacing value and TTL), or deletes it when empty. */
    static void store(CommandContext ctx, byte[] dst, Value result, int size) {
        if (size > 0) {
            ctx.db().set(dst, result, false);
            ctx.reply().integer(size);
        } else {
            ctx.reply().integer(0);
            ctx.db().delete(dst);
        }
    }

    private static void replyMembers(ReplySink out, SetValue s) {
        out.set(s.size());
        s.forEach(out::bulk);
    }

    // ------------------------------------------------------------------ membership

    /* SADD key member [member ...] */
    static void sadd(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        SetValue.Limits l = SetValue.Limits.of(ctx.config());
        SetValue s = writeSet(ctx, key);
        boolean created = s == null;
        String encodingBefore = null;
        if (created) {
            s = SetValue.create(ctx.arg(2), ctx.argc() - 2, l);
        } else {
            encodingBefore = s.encoding();
            s.maybeConvert(ctx.argc() - 2, l);
        }
        int added = 0;
        for (int j = 2; j < ctx.argc(); j++) {
            if (s.add(ctx.arg(j), l)) {
                added++;
            }
        }
        if (created) {
            ctx.db().add(key, s);
        } else if (added > 0 || !s.encoding().equals(encodingBefore)) {
            // a conversion alone is logged too, so replay reaches the same encoding
            ctx.db().signalModified(key);
        }
        ctx.reply().integer(added);
    }

    /* SREM key member [member ...] */
    static void srem(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        SetValue s = writeSet(ctx, key);
        if (s == null) {
            ctx.reply().integer(0);
            return;
        }
        int deleted = 0;
        for (int j = 2; j < ctx.argc() && !s.isEmpty(); j++) {
            if (s.remove(ctx.arg(j))) {
                deleted++;
            }
        }
        if (deleted > 0) {
            changed(ctx.db(), key, s.isEmpty());
        }
        ctx.reply().integer(deleted);
    }

    /* SMOVE source destination member */
    static void smove(CommandContext ctx) {
        byte[] srcKey = ctx.arg(1);
        byte[] dstKey = ctx.arg(2);
        byte[] member = ctx.arg(3);
        Database db = ctx.db();
        Value src = db.lookupWrite(srcKey);
        Value dst = db.lookupWrite(dstKey);
        if (src == null) {
            ctx.reply().integer(0);
            return;
        }
        if (src.type() != ValueType.SET || (dst != null && dst.type() != ValueType.SET)) {
            throw Errors.E_WRONG_TYPE;
        }
        SetValue from = (SetValue) src;
        if (src == dst) {
            ctx.reply().integer(from.contains(member) ? 1 : 0);
            return;
        }
        if (!from.remove(member)) {
            ctx.reply().integer(0);
            return;
        }
        changed(db, srcKey, from.isEmpty());
        SetValue.Limits l = SetValue.Limits.of(ctx.config());
        if (dst == null) {
            SetValue to = SetValue.create(member, 1, l);
            to.add(member, l);
            db.add(dstKey, to);
        } else if (((SetValue) dst).add(member, l)) {
            db.signalModified(dstKey);
        }
        ctx.reply().integer(1);
    }

    /* SISMEMBER key member */
    static void sismember(CommandContext ctx) {
        SetValue s = readSet(ctx, ctx.arg(1));
        ctx.reply().integer(s != null && s.contains(ctx.arg(2)) ? 1 : 0);
    }

    /* SMISMEMBER key member [member ...] */
    static void smismember(CommandContext ctx) {
        SetValue s = readSet(ctx, ctx.arg(1));
        ctx.reply().array(ctx.argc() - 2);
        for (int j = 2; j < ctx.argc(); j++) {
            ctx.reply().integer(s != null && s.contains(ctx.arg(j)) ? 1 : 0);
        }
    }

    /* SCARD key */
    static void scard(CommandContext ctx) {
        SetValue s = readSet(ctx, ctx.arg(1));
        ctx.reply().integer(s == null ? 0 : s.size());
    }

    /* SMEMBERS key */
    static void smembers(CommandContext ctx) {
        SetValue s = readSet(ctx, ctx.arg(1));
        if (s == null) {
            ctx.reply().set(0);
        } else {
            replyMembers(ctx.reply(), s);
        }
    }

    // ------------------------------------------------------------------ random picks

    /** Redis's SPOP_MOVE_STRATEGY_MUL. */
    private static final int SPOP_MOVE_STRATEGY_MUL = 5;
    /** Redis's SRANDMEMBER_SUB_STRATEGY_MUL. */
    private static final int SRANDMEMBER_SUB_STRATEGY_MUL = 3;

    /* SPOP key [count] */
    static void spop(CommandContext ctx) {
        if (ctx.argc() == 3) {
            spopWithCount(ctx);
            return;
        }
        if (ctx.argc() > 3) {
            throw Errors.E_SYNTAX;
        }
        byte[] key = ctx.arg(1);
        SetValue s = writeSet(ctx, key);
        if (s == null) {
            ctx.reply().nullBulk();
            return;
        }
        ctx.reply().bulk(s.popRandom(ctx.random()));
        changed(ctx.db(), key, s.isEmpty());
    }

    private static void spopWithCount(CommandContext ctx) {
        long count = positiveLong(ctx, 2);
        byte[] key = ctx.arg(1);
        SetValue s = writeSet(ctx, key);
        if (s == null || count == 0) {
            ctx.reply().set(0);
            return;
        }
        SetValue.Limits l = SetValue.Limits.of(ctx.config());
        RandomGenerator random = ctx.random();
        int size = s.size();
        ReplySink out = ctx.reply();
        if (count >= size) {
            // Redis answers with SUNION of the one set, then deletes the key
            replyMembers(out, union(List.of(s), l));
            ctx.db().delete(key);
            return;
        }
        int n = (int) count;
        int remaining = size - n;
        out.set(n);
        if ((long) remaining * SPOP_MOVE_STRATEGY_MUL > n) {
            if (s.isListpack()) {
                // one ordered walk: the picks come out in listpack order
                for (byte[] m : s.orderedSample(n, random)) {
                    out.bulk(m);
                    s.remove(m);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    out.bulk(s.popRandom(random));
                }
            }
            ctx.db().signalModified(key);
            return;
        }
        // Most of the set goes: move the few that stay into a new set, reply with the rest.
        SetValue kept;
        if (s.isListpack()) {
            kept = SetValue.emptyListpack();
            for (byte[] m : s.orderedSample(remaining, random)) {
                kept.add(m, l);
                s.remove(m);
            }
        } else {
            kept = s.isIntset() ? SetValue.emptyIntset() : SetValue.emptyListpack();
            for (int i = 0; i < remaining; i++) {
                kept.add(s.popRandom(random), l);
            }
        }
        s.forEach(out::bulk);
        ctx.db().set(key, kept, true);
    }

    /* SRANDMEMBER key [count] */
    static void srandmember(CommandContext ctx) {
        if (ctx.argc() == 3) {
            srandmemberWithCount(ctx);
            return;
        }
        if (ctx.argc() > 3) {
            throw Errors.E_SYNTAX;
        }
        SetValue s = readSet(ctx, ctx.arg(1));
        if (s == null) {
            ctx.reply().nullBulk();
        } else {
            ctx.reply().bulk(s.randomMember(ctx.random()));
        }
    }

    private static void srandmemberWithCount(CommandContext ctx) {
        long l = rangeLong(ctx, 2, -Long.MAX_VALUE, Long.MAX_VALUE, null);
        boolean unique = l >= 0;
        long count = Math.abs(l);
        SetValue s = readSet(ctx, ctx.arg(1));
        ReplySink out = ctx.reply();
        if (s == null || count == 0) {
            out.array(0);
            return;
        }
        RandomGenerator random = ctx.random();
        int size = s.size();
        if (!unique || count == 1) {
            // may repeat: each pick samples the whole set
            out.array(replyLength(count));
            for (long i = 0; i < count; i++) {
                out.bulk(s.randomMember(random));
            }
            return;
        }
        if (count >= size) {
            out.array(size);
            s.forEach(out::bulk);
            return;
        }
        int n = (int) count;
        out.array(n);
        if (s.isListpack()) {
            for (byte[] m : s.orderedSample(n, random)) {
                out.bulk(m);
            }
            return;
        }
        for (byte[] m : distinctSample(s, n, random)) {
            out.bulk(m);
        }
    }

    /**
     * {@code n} distinct members of an intset or hashtable set, as Redis's cases 3 and 4: from a
     * copy of the whole set drop random members when few would be left out, otherwise draw
     * random members until {@code n} distinct ones came up. O(size) or O(n) expected.
     */
    private static List<byte[]> distinctSample(SetValue s, int n, RandomGenerator random) {
        int size = s.size();
        if ((long) n * SRANDMEMBER_SUB_STRATEGY_MUL > size) {
            List<byte[]> all = new ArrayList<>(size);
            s.forEach(all::add);
            while (all.size() > n) {
                int i = random.nextInt(all.size());
                all.set(i, all.get(all.size() - 1));
                all.remove(all.size() - 1);
            }
            return all;
        }
        OrderedDict<Boolean> picked = new OrderedDict<>(n);
        List<byte[]> out = new ArrayList<>(n);
        while (out.size() < n) {
            byte[] m = s.randomMember(random);
            if (picked.put(m, Boolean.TRUE) == null) {
                out.add(m);
            }
        }
        return out;
    }

    /**
     * The element count of a reply of {@code count} random picks. Redis would stream any
     * count until the client is dropped; a reply here is built whole, so one that could not
     * be represented is refused.
     */
    static int replyLength(long count) {
        if (count > Integer.MAX_VALUE - 8) {
            throw new CommandError("ERR value is out of range");
        }
        return (int) count;
    }

    // ------------------------------------------------------------------ algebra

    /* SINTER key [key ...] */
    static void sinter(CommandContext ctx) {
        sinterGeneric(ctx, 1, ctx.argc() - 1, null, false, 0);
    }

    /* SINTERCARD numkeys key [key ...] [LIMIT limit] */
    static void sintercard(CommandContext ctx) {
        long numkeys = rangeLong(ctx, 1, 1, Long.MAX_VALUE, "numkeys should be greater than 0");
        if (numkeys > ctx.argc() - 2) {
            throw new CommandError("ERR Number of keys can't be greater than number of args");
        }
        long limit = 0;
        for (int j = 2 + (int) numkeys; j < ctx.argc(); j++) {
            if (ctx.argIs(j, "limit") && j + 1 < ctx.argc()) {
                limit = rangeLong(ctx, ++j, 0, Long.MAX_VALUE, "LIMIT can't be negative");
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        sinterGeneric(ctx, 2, (int) numkeys, null, true, limit);
    }

    /* SINTERSTORE destination key [key ...] */
    static void sinterstore(CommandContext ctx) {
        sinterGeneric(ctx, 2, ctx.argc() - 2, ctx.arg(1), false, 0);
    }

    /** Redis's sinterGenericCommand: SINTER, SINTERSTORE and SINTERCARD. */
    private static void sinterGeneric(CommandContext ctx, int first, int count, byte[] dst, boolean cardinalityOnly, long limit) {
        SetValue[] sets = new SetValue[count];
        boolean anyMissing = false;
        for (int j = 0; j < count; j++) {
            sets[j] = readSet(ctx, ctx.arg(first + j));
            anyMissing |= sets[j] == null;
        }
        ReplySink out = ctx.reply();
        if (anyMissing) {
            if (dst != null) {
                store(ctx, dst, null, 0);
            } else if (cardinalityOnly) {
                out.integer(0);
            } else {
                out.set(0);
            }
            return;
        }
        // smallest first (a stable sort, as glibc's merge-sort qsort)
        Arrays.sort(sets, Comparator.comparingInt(SetValue::size));
        List<byte[]> result = new ArrayList<>();
        long[] cardinality = {0};
        sets[0].forEachWhile(m -> {
            for (int j = 1; j < sets.length; j++) {
                if (sets[j] != sets[0] && !sets[j].contains(m)) {
                    return true;
                }
            }
            if (!cardinalityOnly) {
                result.add(m);
                return true;
            }
            return ++cardinality[0] != limit; // SINTERCARD stops at its LIMIT
        });
        if (cardinalityOnly) {
            out.integer(cardinality[0]);
            return;
        }
        if (dst == null) {
            out.set(result.size());
            for (byte[] m : result) {
                out.bulk(m);
            }
            return;
        }
        SetValue.Limits l = SetValue.Limits.of(ctx.config());
        SetValue stored = sets[0].isIntset() ? SetValue.emptyIntset() : SetValue.emptyListpack();
        boolean onlyIntegers = true;
        for (byte[] m : result) {
            onlyIntegers &= Longs.isLong(m);
            stored.add(m, l);
        }
        if (onlyIntegers) {
            stored.maybeConvertToIntset(l);
        }
        store(ctx, dst, stored, stored.size());
    }

    /* SUNION key [key ...] */
    static void sunion(CommandContext ctx) {
        sunionDiffGeneric(ctx, 1, null, false);
    }

    /* SUNIONSTORE destination key [key ...] */
    static void sunionstore(CommandContext ctx) {
        sunionDiffGeneric(ctx, 2, ctx.arg(1), false);
    }

    /* SDIFF key [key ...] */
    static void sdiff(CommandContext ctx) {
        sunionDiffGeneric(ctx, 1, null, true);
    }

    /* SDIFFSTORE destination key [key ...] */
    static void sdiffstore(CommandContext ctx) {
        sunionDiffGeneric(ctx, 2, ctx.arg(1), true);
    }

    /** The union as Redis builds it: into a set that starts as an intset, converting as it grows. */
    static SetValue union(List<SetValue> sets, SetValue.Limits l) {
        SetValue result = SetValue.emptyIntset();
        for (SetValue s : sets) {
            if (s != null) {
                s.forEach(m -> result.add(m, l));
            }
        }
        return result;
    }

    /** Redis's sunionDiffGenericCommand: SUNION, SDIFF and their STORE forms. */
    private static void sunionDiffGeneric(CommandContext ctx, int first, byte[] dst, boolean diff) {
        int count = ctx.argc() - first;
        List<SetValue> sets = new ArrayList<>(count);
        boolean sameAsFirst = false;
        for (int j = 0; j < count; j++) {
            SetValue s = readSet(ctx, ctx.arg(first + j));
            sets.add(s);
            sameAsFirst |= j > 0 && s != null && s == sets.get(0);
        }
        SetValue.Limits l = SetValue.Limits.of(ctx.config());
        SetValue result;
        if (!diff) {
            result = union(sets, l);
        } else {
            result = SetValue.emptyIntset();
            SetValue head = sets.get(0);
            if (head != null && !sameAsFirst) {
                diffInto(result, head, sets, l);
            }
        }
        if (dst == null) {
            replyMembers(ctx.reply(), result);
        } else {
            store(ctx, dst, result, result.size());
        }
    }

    /**
     * SDIFF with Redis's choice of algorithm (which decides the result's encoding): test each
     * member of the first set against the others when that is cheaper, else copy the first
     * set and remove the others' members.
     */
    private static void diffInto(SetValue result, SetValue head, List<SetValue> sets, SetValue.Limits l) {
        long algoOne = 0;
        long algoTwo = 0;
        for (SetValue s : sets) {
            if (s != null) {
                algoOne += head.size();
                algoTwo += s.size();
            }
        }
        if (algoOne / 2 <= algoTwo) {
            head.forEach(m -> {
                for (int j = 1; j < sets.size(); j++) {
                    if (sets.get(j) != null && sets.get(j).contains(m)) {
                        return;
                    }
                }
                result.add(m, l);
            });
            return;
        }
        head.forEach(m -> result.add(m, l));
        for (int j = 1; j < sets.size() && !result.isEmpty(); j++) {
            if (sets.get(j) != null) {
                sets.get(j).forEach(result::remove);
            }
        }
    }

    // ------------------------------------------------------------------ scan

    /* SSCAN key cursor [MATCH pattern] [COUNT count] */
    static void sscan(CommandContext ctx) {
        ScanArgs.parseCursor(ctx.arg(2));
        SetValue s = readSet(ctx, ctx.arg(1));
        if (s == null) {
            emptyScan(ctx.reply());
            return;
        }
        ScanArgs args = ScanArgs.parse(ctx, 2, false);
        List<byte[]> found = new ArrayList<>();
        long next = 0;
        if (s.isCompact()) {
            s.forEach(found::add);
        } else {
            next = s.scan(args.cursor, args.count, found::add);
        }
        found.removeIf(m -> !args.matches(m));
        ReplySink out = ctx.reply();
        out.array(2);
        out.bulk(ScanArgs.formatCursor(next));
        out.array(found.size());
        for (byte[] m : found) {
            out.bulk(m);
        }
    }

    /** Redis's shared.emptyscan: cursor 0 and no elements. */
    static void emptyScan(ReplySink out) {
        out.array(2);
        out.bulk("0");
        out.array(0);
    }
}
