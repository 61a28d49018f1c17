package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import io.vellum.core.util.Longs;
import java.util.List;
import java.util.Locale;

/**
 * OBJECT ENCODING | REFCOUNT | IDLETIME | FREQ | HELP (Redis's object.c). Bound by
 * {@link KeyCommands}. The key is looked up without touching its access time; a logically
 * expired key is absent (a null reply).
 *
 * <p>Vellum has no maxmemory policy, so it behaves as Redis under an LRU policy: IDLETIME
 * answers from the value's access time, and FREQ answers Redis's "no LFU policy" error.
 */
final class ObjectCommand {
    private ObjectCommand() {
    }

    /** Redis's OBJ_SHARED_INTEGERS: "int" strings in [0, 10000) are shared objects. */
    private static final long SHARED_INTEGERS = 10_000;
    /** Redis's OBJ_SHARED_REFCOUNT (INT_MAX), what REFCOUNT answers for a shared object. */
    private static final long SHARED_REFCOUNT = Integer.MAX_VALUE;

    private static final List<String> HELP = List.of(
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.");

    /** The value, or null after writing the null reply. */
    private static Value lookupOrNull(CommandContext ctx) {
        Value v = ctx.db().lookupReadNoTouch(ctx.arg(2));
        if (v == null) {
            ctx.reply().nullBulk();
        }
        return v;
    }

    /* OBJECT ENCODING key */
    static void encoding(CommandContext ctx) {
        Value v = lookupOrNull(ctx);
        if (v != null) {
            ctx.reply().bulk(v.encoding());
        }
    }

    /* OBJECT REFCOUNT key */
    static void refcount(CommandContext ctx) {
        Value v = lookupOrNull(ctx);
        if (v != null) {
            ctx.reply().integer(isSharedInteger(v) ? SHARED_REFCOUNT : 1);
        }
    }

    /**
     * Redis keeps the integers 0..9999 as shared objects when a command creates an "int"
     * string (SET, INCR, RESTORE...); every other value has one reference.
     */
    private static boolean isSharedInteger(Value v) {
        if (!(v instanceof StringValue s) || !s.encoding().equals("int")) {
            return false;
        }
        long n = Longs.parseValid(s.bytes());
        return n >= 0 && n < SHARED_INTEGERS;
    }

    /* OBJECT IDLETIME key */
    static void idletime(CommandContext ctx) {
        Value v = lookupOrNull(ctx);
        if (v != null) {
            // Redis's LRU clock counts whole seconds; the idle time is the difference of two
            // readings of it, never negative.
            long idle = Math.floorDiv(ctx.nowMillis(), 1000) - Math.floorDiv(v.accessTime(), 1000);
            ctx.reply().integer(Math.max(0, idle));
        }
    }

    /* OBJECT FREQ key */
    static void freq(CommandContext ctx) {
        if (lookupOrNull(ctx) != null) {
            throw new CommandError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                    + "Please note that when switching between policies at runtime LRU and LFU data will take "
                    + "some time to adjust.");
        }
    }

    /* OBJECT HELP */
    static void help(CommandContext ctx) {
        ReplySink r = ctx.reply();
        r.array(HELP.size() + 3);
        r.simple(ctx.argString(0).toUpperCase(Locale.ROOT) + " <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
        for (String line : HELP) {
            r.simple(line);
        }
        r.simple("HELP");
        r.simple("    Prints this help.");
    }
}
