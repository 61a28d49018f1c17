package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Database;
import io.vellum.core.util.Text;

/**
 * The expiry commands (Redis's expire.c): EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with
 * NX/XX/GT/LT, TTL, PTTL, EXPIRETIME, PEXPIRETIME, PERSIST. Bound by {@link KeyCommands}.
 *
 * <p>Times are absolute milliseconds; relative ones are based on the unit's time, which the
 * log record keeps, so the record replays to the same absolute time. A time that is not in
 * the future deletes the key, as on a Redis primary (a replica applies the same record and
 * so deletes it too).
 */
final class ExpireCommands {
    private ExpireCommands() {
    }

    private static final int NX = 1;
    private static final int XX = 2;
    private static final int GT = 4;
    private static final int LT = 8;

    /* EXPIRE key seconds [NX | XX | GT | LT] */
    static void expire(CommandContext ctx) {
        expireGeneric(ctx, ctx.nowMillis(), true);
    }

    /* PEXPIRE key milliseconds [NX | XX | GT | LT] */
    static void pexpire(CommandContext ctx) {
        expireGeneric(ctx, ctx.nowMillis(), false);
    }

    /* EXPIREAT key unix-time-seconds [NX | XX | GT | LT] */
    static void expireat(CommandContext ctx) {
        expireGeneric(ctx, 0, true);
    }

    /* PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT] */
    static void pexpireat(CommandContext ctx) {
        expireGeneric(ctx, 0, false);
    }

    private static void expireGeneric(CommandContext ctx, long basetime, boolean seconds) {
        int flags = parseFlags(ctx);
        long when = ctx.longArg(2);
        // Negative times are allowed (they delete the key); only overflow is an error.
        if (seconds) {
            if (when > Long.MAX_VALUE / 1000 || when < Long.MIN_VALUE / 1000) {
                throw StringCommands.invalidExpire(ctx);
            }
            when *= 1000;
        }
        if (when > Long.MAX_VALUE - basetime) {
            throw StringCommands.invalidExpire(ctx);
        }
        when += basetime;

        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        if (db.lookupWrite(key) == null) {
            ctx.reply().integer(0);
            return;
        }
        if (flags != 0 && !flagsAllow(flags, db.expireAt(key), when)) {
            ctx.reply().integer(0);
            return;
        }
        if (when <= ctx.nowMillis()) {
            db.delete(key);
        } else {
            db.setExpireAt(key, when);
        }
        ctx.reply().integer(1);
    }

    /** NX/XX/GT/LT against the current expiry (-1: none, which GT and LT treat as infinite). */
    private static boolean flagsAllow(int flags, long current, long when) {
        if ((flags & NX) != 0 && current != -1) {
            return false;
        }
        if ((flags & XX) != 0 && current == -1) {
            return false;
        }
        if ((flags & GT) != 0 && (current == -1 || when <= current)) {
            return false;
        }
        return (flags & LT) == 0 || current == -1 || when < current;
    }

    /** Redis's parseExtendedExpireArgumentsOrReply, checked before the time argument. */
    private static int parseFlags(CommandContext ctx) {
        int flags = 0;
        for (int j = 3; j < ctx.argc(); j++) {
            if (ctx.argIs(j, "nx")) {
                flags |= NX;
            } else if (ctx.argIs(j, "xx")) {
                flags |= XX;
            } else if (ctx.argIs(j, "gt")) {
                flags |= GT;
            } else if (ctx.argIs(j, "lt")) {
                flags |= LT;
            } else {
                throw new CommandError("ERR Unsupported option " + cString(ctx.arg(j)));
            }
        }
        if ((flags & NX) != 0 && (flags & (XX | GT | LT)) != 0) {
            throw new CommandError("ERR NX and XX, GT or LT options at the same time are not compatible");
        }
        if ((flags & GT) != 0 && (flags & LT) != 0) {
            throw new CommandError("ERR GT and LT options at the same time are not compatible");
        }
        return flags;
    }

    /** The argument as C's "%s" prints it: up to the first NUL byte. */
    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return Text.latin1(java.util.Arrays.copyOf(b, n));
    }

    /* TTL key */
    static void ttl(CommandContext ctx) {
        ttlGeneric(ctx, false, false);
    }

    /* PTTL key */
    static void pttl(CommandContext ctx) {
        ttlGeneric(ctx, true, false);
    }

    /* EXPIRETIME key */
    static void expiretime(CommandContext ctx) {
        ttlGeneric(ctx, false, true);
    }

    /* PEXPIRETIME key */
    static void pexpiretime(CommandContext ctx) {
        ttlGeneric(ctx, true, true);
    }

    /** -2 for no key, -1 for no expiry, else the time left (or the expiry), never negative. */
    private static void ttlGeneric(CommandContext ctx, boolean millis, boolean absolute) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        if (db.lookupReadNoTouch(key) == null) {
            ctx.reply().integer(-2);
            return;
        }
        long expireAt = db.expireAt(key);
        if (expireAt == -1) {
            ctx.reply().integer(-1);
            return;
        }
        long t = Math.max(0, absolute ? expireAt : expireAt - ctx.nowMillis());
        // seconds round half up, as Redis's (ttl+500)/1000, without overflowing near Long.MAX_VALUE
        ctx.reply().integer(millis ? t : t / 1000 + (t % 1000 + 500) / 1000);
    }

    /* PERSIST key */
    static void persist(CommandContext ctx) {
        Database db = ctx.db();
        byte[] key = ctx.arg(1);
        boolean removed = db.lookupWrite(key) != null && db.persist(key);
        ctx.reply().integer(removed ? 1 : 0);
    }
}
