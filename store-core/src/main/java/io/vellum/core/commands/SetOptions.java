package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;

/**
 * The options shared by SET (NX, XX, GET, KEEPTTL and the expire forms) and GETEX (PERSIST and
 * the expire forms), parsed with Redis's rules (parseExtendedStringArgumentsOrReply): an option
 * may repeat (a repeated expire form takes the last time given), conflicting ones are a syntax
 * error.
 */
final class SetOptions {
    static final int NX = 1;
    static final int XX = 2;
    static final int GET = 4;
    static final int KEEPTTL = 8;
    static final int EX = 16;
    static final int PX = 32;
    static final int EXAT = 64;
    static final int PXAT = 128;
    static final int PERSIST = 256;
    private static final int ANY_EXPIRE = EX | PX | EXAT | PXAT;

    final int flags;
    /** Index of the expire time argument, or -1. */
    final int expireArg;

    private static final SetOptions NONE = new SetOptions(0, -1);

    private SetOptions(int flags, int expireArg) {
        this.flags = flags;
        this.expireArg = expireArg;
    }

    /** Parses arguments from {@code first}; {@code getex} selects GETEX's options instead of SET's. */
    static SetOptions parse(CommandContext ctx, int first, boolean getex) {
        if (ctx.argc() == first) {
            return NONE;
        }
        int flags = 0;
        int expireArg = -1;
        for (int j = first; j < ctx.argc(); j++) {
            boolean hasNext = j + 1 < ctx.argc();
            int expire = expireForm(ctx, j);
            if (!getex && ctx.argIs(j, "nx") && (flags & XX) == 0) {
                flags |= NX;
            } else if (!getex && ctx.argIs(j, "xx") && (flags & NX) == 0) {
                flags |= XX;
            } else if (!getex && ctx.argIs(j, "get")) {
                flags |= GET;
            } else if (!getex && ctx.argIs(j, "keepttl") && (flags & (PERSIST | ANY_EXPIRE)) == 0) {
                flags |= KEEPTTL;
            } else if (getex && ctx.argIs(j, "persist") && (flags & (KEEPTTL | ANY_EXPIRE)) == 0) {
                flags |= PERSIST;
            } else if (expire != 0 && hasNext && (flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~expire))) == 0) {
                flags |= expire;
                expireArg = ++j;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        return new SetOptions(flags, expireArg);
    }

    private static int expireForm(CommandContext ctx, int j) {
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

    /** Redis's getExpireMillisecondsOrReply: the expire time as an absolute time in ms. */
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
