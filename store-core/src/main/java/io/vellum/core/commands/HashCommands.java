package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.HashValue;
import io.vellum.core.types.ValueType;
import io.vellum.core.util.LongDouble;
import io.vellum.core.util.Longs;
import io.vellum.core.util.Text;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/** Hash commands (Redis 7.2's t_hash.c). */
public final class HashCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("hset", HashCommands::hset)
                .bind("hmset", HashCommands::hset)
                .bind("hsetnx", HashCommands::hsetnx)
                .bind("hget", HashCommands::hget)
                .bind("hmget", HashCommands::hmget)
                .bind("hdel", HashCommands::hdel)
                .bind("hlen", HashCommands::hlen)
                .bind("hstrlen", HashCommands::hstrlen)
                .bind("hexists", HashCommands::hexists)
                .bind("hgetall", HashCommands::hgetall)
                .bind("hkeys", HashCommands::hkeys)
                .bind("hvals", HashCommands::hvals)
                .bind("hincrby", HashCommands::hincrby)
                .bind("hincrbyfloat", HashCommands::hincrbyfloat)
                .bind("hrandfield", HashCommands::hrandfield)
                .bind("hscan", HashCommands::hscan);
    }

    // ------------------------------------------------------------------ helpers

    /** The hash at {@code key} for reading, null if absent; WRONGTYPE for other types. */
    static HashValue readHash(CommandContext ctx, byte[] key) {
        return TypedLookup.read(ctx, key, ValueType.HASH, HashValue.class);
    }

    /** The hash at {@code key} for changing in place, null if absent; WRONGTYPE for other types. */
    static HashValue writeHash(CommandContext ctx, byte[] key) {
        return TypedLookup.write(ctx, key, ValueType.HASH, HashValue.class);
    }

    private static long maxEntries(CommandContext ctx) {
        return ctx.config().hashMaxListpackEntries.get();
    }

    private static long maxValue(CommandContext ctx) {
        return ctx.config().hashMaxListpackValue.get();
    }

    /** Stores a hash changed in place, or adds a new one (hashTypeLookupWriteOrCreate's key). */
    private static void store(CommandContext ctx, byte[] key, HashValue hash, boolean created) {
        if (created) {
            ctx.db().add(key, hash);
        } else {
            ctx.db().signalModified(key);
        }
    }

    // ------------------------------------------------------------------ set

    /* HSET key field value [field value ...]  and  HMSET key field value [field value ...] */
    static void hset(CommandContext ctx) {
        if (ctx.argc() % 2 == 1) {
            throw new CommandError(Errors.wrongArgs(ctx.spec().fullName()));
        }
        byte[] key = ctx.arg(1);
        HashValue hash = writeHash(ctx, key);
        boolean created = hash == null;
        if (created) {
            hash = HashValue.create();
        }
        long maxEntries = maxEntries(ctx);
        long maxValue = maxValue(ctx);
        hash.beforeSet(ctx.argv(), 2, ctx.argc() - 1, maxEntries, maxValue);
        long added = 0;
        for (int i = 2; i < ctx.argc(); i += 2) {
            if (hash.set(ctx.arg(i), ctx.arg(i + 1), maxEntries, maxValue)) {
                added++;
            }
        }
        store(ctx, key, hash, created);
        ctx.addDirty((ctx.argc() - 2) / 2 - 1);
        if (ctx.spec().fullName().equals("hset")) {
            ctx.reply().integer(added);
        } else {
            ctx.reply().ok();
        }
    }

    /* HSETNX key field value */
    static void hsetnx(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        HashValue hash = writeHash(ctx, key);
        boolean created = hash == null;
        if (!created && hash.contains(ctx.arg(2))) {
            ctx.reply().integer(0);
            return;
        }
        if (created) {
            hash = HashValue.create();
        }
        long maxEntries = maxEntries(ctx);
        long maxValue = maxValue(ctx);
        hash.beforeSet(ctx.argv(), 2, 3, maxEntries, maxValue);
        hash.set(ctx.arg(2), ctx.arg(3), maxEntries, maxValue);
        store(ctx, key, hash, created);
        ctx.reply().integer(1);
    }

    /* HINCRBY key field increment */
    static void hincrby(CommandContext ctx) {
        long incr = ctx.longArg(3);
        byte[] key = ctx.arg(1);
        byte[] field = ctx.arg(2);
        HashValue hash = writeHash(ctx, key);
        boolean created = hash == null;
        long value = 0;
        if (!created) {
            byte[] old = hash.get(field);
            if (old != null) {
                if (!Longs.isLong(old)) {
                    throw new CommandError("ERR hash value is not an integer");
                }
                value = Longs.parseValid(old);
            }
        } else {
            hash = HashValue.create();
        }
        if ((incr < 0 && value < 0 && incr < Long.MIN_VALUE - value)
                || (incr > 0 && value > 0 && incr > Long.MAX_VALUE - value)) {
            throw Errors.E_OVERFLOW;
        }
        value += incr;
        hash.set(field, Longs.toBytes(value), maxEntries(ctx), maxValue(ctx));
        store(ctx, key, hash, created);
        ctx.reply().integer(value);
    }

    /* HINCRBYFLOAT key field increment */
    static void hincrbyfloat(CommandContext ctx) {
        LongDouble incr = LongDouble.parse(ctx.arg(3));
        if (incr == null) {
            throw Errors.E_NOT_FLOAT;
        }
        if (incr.isInfinite()) {
            throw new CommandError("ERR value is NaN or Infinity");
        }
        byte[] key = ctx.arg(1);
        byte[] field = ctx.arg(2);
        HashValue hash = writeHash(ctx, key);
        boolean created = hash == null;
        LongDouble value = null;
        if (!created) {
            byte[] old = hash.get(field);
            if (old != null) {
                value = LongDouble.parse(old);
                if (value == null) {
                    throw new CommandError("ERR hash value is not a float");
                }
            }
        } else {
            hash = HashValue.create();
        }
        LongDouble sum = value == null ? incr.add(LongDouble.parse(ZERO)) : value.add(incr);
        if (sum == null || sum.isInfinite()) {
            throw new CommandError("ERR increment would produce NaN or Infinity");
        }
        byte[] text = Text.latin1(sum.toHumanString());
        hash.set(field, text, maxEntries(ctx), maxValue(ctx));
        store(ctx, key, hash, created);
        ctx.reply().bulk(text);
    }

    private static final byte[] ZERO = {'0'};

    // ------------------------------------------------------------------ read

    /* HGET key field */
    static void hget(CommandContext ctx) {
        HashValue hash = readHash(ctx, ctx.arg(1));
        ctx.reply().bulkOrNull(hash == null ? null : hash.get(ctx.arg(2)));
    }

    /* HMGET key field [field ...] */
    static void hmget(CommandContext ctx) {
        HashValue hash = readHash(ctx, ctx.arg(1));
        ctx.reply().array(ctx.argc() - 2);
        for (int i = 2; i < ctx.argc(); i++) {
            ctx.reply().bulkOrNull(hash == null ? null : hash.get(ctx.arg(i)));
        }
    }

    /* HLEN key */
    static void hlen(CommandContext ctx) {
        HashValue hash = readHash(ctx, ctx.arg(1));
        ctx.reply().integer(hash == null ? 0 : hash.size());
    }

    /* HSTRLEN key field */
    static void hstrlen(CommandContext ctx) {
        HashValue hash = readHash(ctx, ctx.arg(1));
        byte[] v = hash == null ? null : hash.get(ctx.arg(2));
        ctx.reply().integer(v == null ? 0 : v.length);
    }

    /* HEXISTS key field */
    static void hexists(CommandContext ctx) {
        HashValue hash = readHash(ctx, ctx.arg(1));
        ctx.reply().integer(hash != null && hash.contains(ctx.arg(2)) ? 1 : 0);
    }

    /* HGETALL key */
    static void hgetall(CommandContext ctx) {
        allGeneric(ctx, true, true);
    }

    /* HKEYS key */
    static void hkeys(CommandContext ctx) {
        allGeneric(ctx, true, false);
    }

    /* HVALS key */
    static void hvals(CommandContext ctx) {
        allGeneric(ctx, false, true);
    }

    /** genericHgetallCommand: a map of both, or an array of fields or of values. */
    private static void allGeneric(CommandContext ctx, boolean fields, boolean values) {
        HashValue hash = readHash(ctx, ctx.arg(1));
        ReplySink out = ctx.reply();
        int n = hash == null ? 0 : hash.size();
        if (fields && values) {
            out.map(n);
        } else {
            out.array(n);
        }
        if (hash == null) {
            return;
        }
        OrderedDict<byte[]> d = hash.entries();
        for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
            if (fields) {
                out.bulk(d.keyAt(e));
            }
            if (values) {
                out.bulk(d.valueAt(e));
            }
        }
    }

    // ------------------------------------------------------------------ delete

    /* HDEL key field [field ...] */
    static void hdel(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        HashValue hash = writeHash(ctx, key);
        if (hash == null) {
            ctx.reply().integer(0);
            return;
        }
        long deleted = 0;
        for (int i = 2; i < ctx.argc(); i++) {
            if (hash.delete(ctx.arg(i))) {
                deleted++;
                if (hash.isEmpty()) {
                    break;
                }
            }
        }
        if (deleted > 0) {
            if (hash.isEmpty()) {
                ctx.db().deleteIfEmpty(key, true);
            } else {
                ctx.db().signalModified(key);
            }
            ctx.addDirty(deleted - 1);
        }
        ctx.reply().integer(deleted);
    }

    // ------------------------------------------------------------------ scan

    /* HSCAN key cursor [MATCH pattern] [COUNT count] */
    static void hscan(CommandContext ctx) {
        long cursor = ScanArgs.parseCursor(ctx.arg(2));
        HashValue hash = readHash(ctx, ctx.arg(1));
        ReplySink out = ctx.reply();
        if (hash == null) {
            // As Redis: a missing key answers the empty scan before options are parsed.
            out.array(2);
            out.bulk(ZERO);
            out.array(0);
            return;
        }
        ScanArgs args = ScanArgs.parse(ctx, 2, false);
        OrderedDict<byte[]> d = hash.entries();
        List<byte[]> found = new ArrayList<>();
        long next;
        if (hash.isListpack()) {
            // A listpack is returned whole in one reply, whatever the cursor and COUNT.
            for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
                collect(args, found, d.keyAt(e), d.valueAt(e));
            }
            next = 0;
        } else if (cursor < 0) {
            next = 0; // past every sequence number
        } else {
            next = d.scan(cursor, args.count, (f, v) -> collect(args, found, f, v));
        }
        out.array(2);
        out.bulk(ScanArgs.formatCursor(next));
        out.array(found.size());
        for (byte[] b : found) {
            out.bulk(b);
        }
    }

    private static void collect(ScanArgs args, List<byte[]> found, byte[] field, byte[] value) {
        if (args.matches(field)) {
            found.add(field);
            found.add(value);
        }
    }

    // ------------------------------------------------------------------ random

    /* HRANDFIELD key [count [WITHVALUES]] */
    static void hrandfield(CommandContext ctx) {
        if (ctx.argc() >= 3) {
            long l = LongArgs.range(ctx, 2, -Long.MAX_VALUE, Long.MAX_VALUE, null);
            boolean withValues = false;
            if (ctx.argc() > 4 || (ctx.argc() == 4 && !ctx.argIs(3, "withvalues"))) {
                throw Errors.E_SYNTAX;
            } else if (ctx.argc() == 4) {
                withValues = true;
                if (l < -Long.MAX_VALUE / 2 || l > Long.MAX_VALUE / 2) {
                    throw new CommandError("ERR value is out of range");
                }
            }
            HashRandom.withCount(ctx, readHash(ctx, ctx.arg(1)), l, withValues);
            return;
        }
        HashValue hash = readHash(ctx, ctx.arg(1));
        if (hash == null) {
            ctx.reply().nullBulk();
            return;
        }
        OrderedDict<byte[]> d = hash.entries();
        ctx.reply().bulk(d.keyAt(d.randomEntry(ctx.random())));
    }

    /** HRANDFIELD with a count, in the shapes of Redis's hrandfieldWithCountCommand. */
    static final class HashRandom {
        /** Redis's HRANDFIELD_SUB_STRATEGY_MUL. */
        private static final int SUB_STRATEGY_MUL = 3;
        /** Reply elements above this are refused rather than built (Redis would stream them until the client is dropped). */
        private static final long MAX_REPLY = Integer.MAX_VALUE / 2;

        private HashRandom() {
        }

        static void withCount(CommandContext ctx, HashValue hash, long l, boolean withValues) {
            ReplySink out = ctx.reply();
            if (hash == null) {
                out.array(0);
                return;
            }
            long size = hash.size();
            boolean unique = l >= 0;
            long count = Math.abs(l);
            if (count == 0) {
                out.array(0);
                return;
            }
            boolean flat = withValues && out.protocol() == 2;
            OrderedDict<byte[]> d = hash.entries();
            RandomGenerator random = ctx.random();
            if (!unique || count == 1) {
                // CASE 1: independent picks, repeats allowed, in pick order
                if (count > MAX_REPLY) {
                    throw new CommandError("ERR value is out of range");
                }
                out.array((int) (flat ? count * 2 : count));
                for (long i = 0; i < count; i++) {
                    pair(out, d, d.randomEntry(random), withValues);
                }
                return;
            }
            long replySize = Math.min(count, size);
            out.array((int) (flat ? replySize * 2 : replySize));
            if (count >= size) {
                // CASE 2: the whole hash, in its order
                for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
                    pair(out, d, e, withValues);
                }
            } else if (hash.isListpack() || count * SUB_STRATEGY_MUL > size) {
                // CASE 2.5 (listpack) and CASE 3: a uniform subset, in the hash's order
                long needed = count;
                long left = size;
                for (int e = d.firstEntry(); e >= 0 && needed > 0; e = d.nextEntry(e + 1), left--) {
                    if (random.nextLong(left) < needed) {
                        pair(out, d, e, withValues);
                        needed--;
                    }
                }
            } else {
                // CASE 4: distinct random picks, in pick order
                Set<Integer> seen = new HashSet<>();
                while (seen.size() < count) {
                    int e = d.randomEntry(random);
                    if (seen.add(e)) {
                        pair(out, d, e, withValues);
                    }
                }
            }
        }

        private static void pair(ReplySink out, OrderedDict<byte[]> d, int e, boolean withValues) {
            if (withValues && out.protocol() > 2) {
                out.array(2);
            }
            out.bulk(d.keyAt(e));
            if (withValues) {
                out.bulk(d.valueAt(e));
            }
        }
    }
}
