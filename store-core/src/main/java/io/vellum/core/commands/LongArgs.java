package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.util.Longs;

/**
 * Redis's object.c integer argument helpers with their exact error texts:
 * getRangeLongFromObjectOrReply and getPositiveLongFromObjectOrReply. When a custom message
 * is given it answers both a non-integer and an out-of-range value, as in Redis.
 */
final class LongArgs {
    private LongArgs() {
    }

    /** getRangeLongFromObjectOrReply; {@code msg} is the whole error text ("ERR ...") or null. */
    static long range(CommandContext ctx, int arg, long min, long max, String msg) {
        byte[] b = ctx.arg(arg);
        if (!Longs.isLong(b)) {
            throw msg != null ? new CommandError(msg) : Errors.E_NOT_INTEGER;
        }
        long v = Longs.parseValid(b);
        if (v < min || v > max) {
            throw new CommandError(msg != null ? msg
                    : "ERR value is out of range, value must between " + min + " and " + max);
        }
        return v;
    }

    /** getPositiveLongFromObjectOrReply: 0 to LONG_MAX. */
    static long positive(CommandContext ctx, int arg, String msg) {
        return range(ctx, arg, 0, Long.MAX_VALUE, msg != null ? msg : Errors.POSITIVE);
    }
}
