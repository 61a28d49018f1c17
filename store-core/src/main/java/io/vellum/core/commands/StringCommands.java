package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Database;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;

/** String commands (Redis's t_string.c). */
public final class StringCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("get", StringCommands::get)
                .bind("set", StringCommands::set);
    }

    // ------------------------------------------------------------------ helpers

    /** The string at {@code key} for reading, null if absent; WRONGTYPE for other types. */
    static StringValue readString(CommandContext ctx, byte[] key) {
        Value v = ctx.db().lookupRead(key);
        if (v == null) {
            return null;
        }
        if (v.type() != ValueType.STRING) {
            throw Errors.E_WRONG_TYPE;
        }
        return (StringValue) v;
    }

    // ------------------------------------------------------------------ commands

    /* GET key */
    static void get(CommandContext ctx) {
        StringValue s = readString(ctx, ctx.arg(1));
        if (s == null) {
            ctx.reply().nullBulk();
        } else {
            ctx.reply().bulk(s.bytes());
        }
    }

    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GET = 4;
    private static final int KEEPTTL = 8;
    private static final int EX = 16;
    private static final int PX = 32;
    private static final int EXAT = 64;
    private static final int PXAT = 128;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    /* SET key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL] */
    static void set(CommandContext ctx) {
        int flags = 0;
        int expireArg = -1;
        for (int j = 3; j < ctx.argc(); j++) {
            boolean hasNext = j + 1 < ctx.argc();
            if (ctx.argIs(j, "nx") && (flags & XX) == 0) {
                flags |= NX;
            } else if (ctx.argIs(j, "xx") && (flags & NX) == 0) {
                flags |= XX;
            } else if (ctx.argIs(j, "get")) {
                flags |= GET;
            } else if (ctx.argIs(j, "keepttl") && (flags & ANY_EXPIRE) == 0) {
                flags |= KEEPTTL;
            } else if (hasNext && (flags & (KEEPTTL | ANY_EXPIRE)) == 0 && expireFlag(ctx, j) != 0) {
                flags |= expireFlag(ctx, j);
                expireArg = ++j;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        long expireAt = expireArg < 0 ? -1 : expireMillis(ctx, expireArg, flags);
        byte[] key = ctx.arg(1);
        Database db = ctx.db();
        if ((flags & GET) != 0) {
            StringValue old = readString(ctx, key);
            ctx.reply().bulkOrNull(old == null ? null : old.bytes());
        }
        boolean found = db.lookupWrite(key) != null;
        if (((flags & NX) != 0 && found) || ((flags & XX) != 0 && !found)) {
            if ((flags & GET) == 0) {
                ctx.reply().nullBulk();
            }
            return;
        }
        db.set(key, StringValue.of(ctx.arg(2)), (flags & KEEPTTL) != 0);
        if (expireAt >= 0) {
            db.setExpireAt(key, expireAt);
        }
        if ((flags & GET) == 0) {
            ctx.reply().ok();
        }
    }

    private static int expireFlag(CommandContext ctx, int j) {
        if (ctx.argIs(j, "ex")) {
            return EX;
        }
        if (ctx.argIs(j, "px")) {
            return PX;
        }
        if (ctx.argIs(j, "exat")) {
            return EXAT;
        }
        if (ctx.argIs(j, "pxat")) {
            return PXAT;
        }
        return 0;
    }

    /** Redis's getExpireMillisecondsOrReply: an absolute time in ms. */
    static long expireMillis(CommandContext ctx, int arg, int flags) {
        long v = ctx.longArg(arg);
        boolean seconds = (flags & (EX | EXAT)) != 0;
        if (v <= 0 || (seconds && v > Long.MAX_VALUE / 1000)) {
            throw invalidExpire(ctx);
        }
        if (seconds) {
            v *= 1000;
        }
        if ((flags & (EX | PX)) != 0) {
            v += ctx.nowMillis();
        }
        if (v <= 0) {
            throw invalidExpire(ctx);
        }
        return v;
    }

    static CommandError invalidExpire(CommandContext ctx) {
        return new CommandError("ERR invalid expire time in '" + ctx.spec().fullName() + "' command");
    }
}
