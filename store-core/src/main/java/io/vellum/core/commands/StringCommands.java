package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Database;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import io.vellum.core.util.LongDouble;
import io.vellum.core.util.Longs;
import io.vellum.core.util.Text;

/**
 * String commands (Redis's t_string.c). The bit commands are in {@link BitCommands}, LCS in
 * {@link LcsCommand}.
 */
public final class StringCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("get", StringCommands::get)
                .bind("set", StringCommands::set)
                .bind("setnx", StringCommands::setnx)
                .bind("setex", StringCommands::setex)
                .bind("psetex", StringCommands::psetex)
                .bind("getset", StringCommands::getset)
                .bind("getdel", StringCommands::getdel)
                .bind("getex", StringCommands::getex)
                .bind("mget", StringCommands::mget)
                .bind("mset", StringCommands::mset)
                .bind("msetnx", StringCommands::msetnx)
                .bind("append", StringCommands::append)
                .bind("strlen", StringCommands::strlen)
                .bind("getrange", StringCommands::getrange)
                .bind("substr", StringCommands::getrange)
                .bind("setrange", StringCommands::setrange)
                .bind("incr", StringCommands::incr)
                .bind("decr", StringCommands::decr)
                .bind("incrby", StringCommands::incrby)
                .bind("decrby", StringCommands::decrby)
                .bind("incrbyfloat", StringCommands::incrbyfloat)
                .bind("lcs", LcsCommand::lcs);
    }

    // ------------------------------------------------------------------ helpers

    /** The string at {@code key} for reading, null if absent; WRONGTYPE for other types. */
    static StringValue readString(CommandContext ctx, byte[] key) {
        return asString(ctx.db().lookupRead(key));
    }

    /** The string at {@code key} for an in-place change, null if absent; WRONGTYPE for other types. */
    static StringValue writeString(CommandContext ctx, byte[] key) {
        return asString(ctx.db().lookupWrite(key));
    }

    private static StringValue asString(Value v) {
        if (v == null) {
            return null;
        }
        if (v.type() != ValueType.STRING) {
            throw Errors.E_WRONG_TYPE;
        }
        return (StringValue) v;
    }

    /** The longest string a command may build: proto-max-bulk-len, bounded by what an array holds. */
    static long maxStringLength(CommandContext ctx) {
        return Math.min(ctx.config().protoMaxBulkLen.get(), StringValue.MAX_LENGTH);
    }

    /** Redis's checkStringLength: {@code size + append} bytes must fit (overflow included). */
    static void checkStringLength(CommandContext ctx, long size, long append) {
        if (size > maxStringLength(ctx) - append) {
            throw Errors.E_STRING_TOO_LONG;
        }
    }

    /** Redis's getExpireMillisecondsOrReply (flags as {@link SetOptions}); kept here for other groups. */
    static long expireMillis(CommandContext ctx, int arg, int flags) {
        return SetOptions.expireMillis(ctx, arg, flags);
    }

    /** "ERR invalid expire time in '<command>' command". */
    static CommandError invalidExpire(CommandContext ctx) {
        return SetOptions.invalidExpire(ctx);
    }

    static void replyValue(ReplySink sink, StringValue s) {
        sink.bulk(s.array(), 0, s.length());
    }

    /** GET's reply: the bulk string or null; WRONGTYPE before anything is written. */
    private static StringValue replyGet(CommandContext ctx, byte[] key) {
        StringValue s = readString(ctx, key);
        if (s == null) {
            ctx.reply().nullBulk();
        } else {
            replyValue(ctx.reply(), s);
        }
        return s;
    }

    // ------------------------------------------------------------------ GET / SET family

    /* GET key */
    static void get(CommandContext ctx) {
        replyGet(ctx, ctx.arg(1));
    }

    /* SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL] */
    static void set(CommandContext ctx) {
        SetOptions o = SetOptions.parse(ctx, 3, false);
        setGeneric(ctx, o.flags, ctx.arg(2), o.expireArg, false);
    }

    /* SETNX key value */
    static void setnx(CommandContext ctx) {
        setGeneric(ctx, SetOptions.NX, ctx.arg(2), -1, true);
    }

    /* SETEX key seconds value */
    static void setex(CommandContext ctx) {
        setGeneric(ctx, SetOptions.EX, ctx.arg(3), 2, false);
    }

    /* PSETEX key milliseconds value */
    static void psetex(CommandContext ctx) {
        setGeneric(ctx, SetOptions.PX, ctx.arg(3), 2, false);
    }

    /**
     * Redis's setGenericCommand. {@code integerReply}: SETNX's 1/0 instead of OK/null.
     * The expire time is validated first, then GET's reply (WRONGTYPE aborts), then NX/XX.
     */
    private static void setGeneric(CommandContext ctx, int flags, byte[] value, int expireArg, boolean integerReply) {
        long expireAt = expireArg < 0 ? -1 : SetOptions.expireMillis(ctx, expireArg, flags);
        byte[] key = ctx.arg(1);
        Database db = ctx.db();
        boolean get = (flags & SetOptions.GET) != 0;
        if (get) {
            replyGet(ctx, key);
        }
        int entry = db.lookupWriteEntry(key);
        boolean found = entry >= 0;
        if (((flags & SetOptions.NX) != 0 && found) || ((flags & SetOptions.XX) != 0 && !found)) {
            if (integerReply) {
                ctx.reply().integer(0);
            } else if (!get) {
                ctx.reply().nullBulk();
            }
            return;
        }
        if (found) {
            db.replaceAt(entry, key, StringValue.of(value), (flags & SetOptions.KEEPTTL) != 0);
        } else {
            db.add(key, StringValue.of(value));
        }
        if (expireAt >= 0) {
            db.setExpireAt(key, expireAt);
        }
        if (integerReply) {
            ctx.reply().integer(1);
        } else if (!get) {
            ctx.reply().ok();
        }
    }

    /* GETSET key value */
    static void getset(CommandContext ctx) {
        replyGet(ctx, ctx.arg(1));
        ctx.db().set(ctx.arg(1), StringValue.of(ctx.arg(2)), false);
    }

    /* GETDEL key */
    static void getdel(CommandContext ctx) {
        if (replyGet(ctx, ctx.arg(1)) != null) {
            ctx.db().delete(ctx.arg(1));
        }
    }

    /* GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST] */
    static void getex(CommandContext ctx) {
        SetOptions o = SetOptions.parse(ctx, 2, true);
        byte[] key = ctx.arg(1);
        StringValue s = readString(ctx, key);
        if (s == null) {
            ctx.reply().nullBulk();
            return;
        }
        // As Redis 7.2: the expire time is checked only once the key is known to be a string.
        long expireAt = o.expireArg < 0 ? -1 : SetOptions.expireMillis(ctx, o.expireArg, o.flags);
        replyValue(ctx.reply(), s);
        Database db = ctx.db();
        if ((o.flags & (SetOptions.EXAT | SetOptions.PXAT)) != 0 && expireAt <= ctx.nowMillis()) {
            db.delete(key); // an absolute time already past: the key is gone now
        } else if (expireAt >= 0) {
            db.setExpireAt(key, expireAt);
        } else if ((o.flags & SetOptions.PERSIST) != 0) {
            db.persist(key);
        }
    }

    /* MGET key [key ...] */
    static void mget(CommandContext ctx) {
        Database db = ctx.db();
        ctx.reply().array(ctx.argc() - 1);
        for (int i = 1; i < ctx.argc(); i++) {
            Value v = db.lookupRead(ctx.arg(i));
            if (v == null || v.type() != ValueType.STRING) {
                ctx.reply().nullBulk();
            } else {
                replyValue(ctx.reply(), (StringValue) v);
            }
        }
    }

    /* MSET key value [key value ...] */
    static void mset(CommandContext ctx) {
        msetGeneric(ctx, false);
    }

    /* MSETNX key value [key value ...] */
    static void msetnx(CommandContext ctx) {
        msetGeneric(ctx, true);
    }

    private static void msetGeneric(CommandContext ctx, boolean nx) {
        if (ctx.argc() % 2 == 0) {
            throw new CommandError(Errors.wrongArgs(ctx.spec().fullName()));
        }
        Database db = ctx.db();
        if (nx) {
            for (int i = 1; i < ctx.argc(); i += 2) {
                if (db.lookupWrite(ctx.arg(i)) != null) {
                    ctx.reply().integer(0);
                    return;
                }
            }
        }
        for (int i = 1; i < ctx.argc(); i += 2) {
            db.set(ctx.arg(i), StringValue.of(ctx.arg(i + 1)), false);
        }
        if (nx) {
            ctx.reply().integer(1);
        } else {
            ctx.reply().ok();
        }
    }

    // ------------------------------------------------------------------ in-place changes

    /* APPEND key value */
    static void append(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        byte[] value = ctx.arg(2);
        StringValue s = writeString(ctx, key);
        if (s == null) {
            ctx.db().add(key, StringValue.of(value));
            ctx.reply().integer(value.length);
            return;
        }
        checkStringLength(ctx, s.length(), value.length);
        s.append(value);
        ctx.db().signalModified(key);
        ctx.reply().integer(s.length());
    }

    /* STRLEN key */
    static void strlen(CommandContext ctx) {
        StringValue s = readString(ctx, ctx.arg(1));
        ctx.reply().integer(s == null ? 0 : s.length());
    }

    /* GETRANGE key start end (and SUBSTR, its old name) */
    static void getrange(CommandContext ctx) {
        long start = ctx.longArg(2);
        long end = ctx.longArg(3);
        StringValue s = readString(ctx, ctx.arg(1));
        long len = s == null ? 0 : s.length();
        if (s == null || (start < 0 && end < 0 && start > end)) {
            ctx.reply().bulk(EMPTY);
            return;
        }
        // Redis's clamping: negative indexes count from the end; both are then clamped to
        // the string, so a range wholly before the start still yields the first byte.
        if (start < 0) {
            start = Math.max(0, len + start);
        }
        if (end < 0) {
            end = Math.max(0, len + end);
        }
        end = Math.min(end, len - 1);
        if (start > end || len == 0) {
            ctx.reply().bulk(EMPTY);
        } else {
            ctx.reply().bulk(s.array(), (int) start, (int) (end - start + 1));
        }
    }

    private static final byte[] EMPTY = new byte[0];

    /* SETRANGE key offset value */
    static void setrange(CommandContext ctx) {
        long offset = ctx.longArg(2);
        byte[] key = ctx.arg(1);
        byte[] value = ctx.arg(3);
        if (offset < 0) {
            throw new CommandError("ERR offset is out of range");
        }
        StringValue s = writeString(ctx, key);
        if (value.length == 0) {
            // setting nothing changes nothing, and creates no key
            ctx.reply().integer(s == null ? 0 : s.length());
            return;
        }
        checkStringLength(ctx, offset, value.length);
        if (s == null) {
            s = StringValue.zeros((int) offset + value.length);
            s.setRange((int) offset, value);
            ctx.db().add(key, s);
        } else {
            s.setRange((int) offset, value);
            ctx.db().signalModified(key);
        }
        ctx.reply().integer(s.length());
    }

    // ------------------------------------------------------------------ counters

    /* INCR key */
    static void incr(CommandContext ctx) {
        incrDecr(ctx, 1);
    }

    /* DECR key */
    static void decr(CommandContext ctx) {
        incrDecr(ctx, -1);
    }

    /* INCRBY key increment */
    static void incrby(CommandContext ctx) {
        incrDecr(ctx, ctx.longArg(2));
    }

    /* DECRBY key decrement */
    static void decrby(CommandContext ctx) {
        long decrement = ctx.longArg(2);
        if (decrement == Long.MIN_VALUE) {
            throw new CommandError("ERR decrement would overflow");
        }
        incrDecr(ctx, -decrement);
    }

    private static void incrDecr(CommandContext ctx, long incr) {
        byte[] key = ctx.arg(1);
        Database db = ctx.db();
        int entry = db.lookupWriteEntry(key);
        StringValue s = entry < 0 ? null : asString(db.valueAt(entry));
        long value = 0;
        if (s != null) {
            if (!Longs.isLong(s.array(), 0, s.length())) {
                throw Errors.E_NOT_INTEGER;
            }
            value = Longs.parseValid(s.array(), 0, s.length());
        }
        long result = value + incr;
        if (((value ^ result) & (incr ^ result)) < 0) { // both operands' signs differ from the sum's
            throw Errors.E_OVERFLOW;
        }
        if (entry >= 0) {
            db.replaceAt(entry, key, StringValue.ofLong(result), true); // Redis's dbOverwrite keeps the TTL
        } else {
            db.add(key, StringValue.ofLong(result));
        }
        ctx.reply().integer(result);
    }

    /** Replaces the value keeping the TTL (Redis's dbOverwrite), or adds the key. */
    private static void store(CommandContext ctx, byte[] key, boolean exists, StringValue v) {
        if (exists) {
            ctx.db().set(key, v, true);
        } else {
            ctx.db().add(key, v);
        }
    }

    /* INCRBYFLOAT key increment */
    static void incrbyfloat(CommandContext ctx) {
        byte[] key = ctx.arg(1);
        StringValue s = writeString(ctx, key);
        LongDouble value = s == null ? LongDouble.parse(ZERO) : LongDouble.parse(s.bytes());
        LongDouble incr = value == null ? null : LongDouble.parse(ctx.arg(2));
        if (value == null || incr == null) {
            throw Errors.E_NOT_FLOAT;
        }
        LongDouble sum = value.add(incr);
        if (sum == null || sum.isInfinite()) {
            throw new CommandError("ERR increment would produce NaN or Infinity");
        }
        byte[] result = Text.latin1(sum.toHumanString());
        store(ctx, key, s != null, StringValue.plainOf(result));
        ctx.reply().bulk(result);
    }

    private static final byte[] ZERO = {'0'};
}
