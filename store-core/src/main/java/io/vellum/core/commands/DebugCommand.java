package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Database;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.types.Value;

/**
 * DEBUG DIGEST, DEBUG DIGEST-VALUE, DEBUG SLEEP and DEBUG HELP (Redis's debug.c). The digests
 * are Redis's, so a Vellum store and a Redis holding the same data answer the same hex
 * string. Other DEBUG subcommands answer Redis's unknown-subcommand error.
 */
public final class DebugCommand implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("debug", DebugCommand::debug);
    }

    /* DEBUG subcommand [argument ...] */
    static void debug(CommandContext ctx) {
        int argc = ctx.argc();
        if (ctx.argIs(1, "help") && argc == 2) {
            Help.reply(ctx,
                    "DIGEST",
                    "    Output a hex signature representing the current DB content.",
                    "DIGEST-VALUE <key> [<key> ...]",
                    "    Output a hex signature of the values of all the specified keys.",
                    "SLEEP <seconds>",
                    "    Stop the server for <seconds>. Decimals allowed.");
        } else if (ctx.argIs(1, "digest") && argc == 2) {
            ctx.reply().simple(RedisDigest.hex(RedisDigest.dataset(ctx.keyspace())));
        } else if (ctx.argIs(1, "digest-value")) {
            ReplySink r = ctx.reply();
            Database db = ctx.db();
            r.array(argc - 2);
            for (int i = 2; i < argc; i++) {
                byte[] digest = new byte[20];
                // as Redis: logically expired keys are digested too (no expiry check)
                Value v = db.peek(ctx.arg(i));
                if (v != null) {
                    RedisDigest.objectDigest(digest, v, db.expireAt(ctx.arg(i)) != -1);
                }
                r.simple(RedisDigest.hex(digest));
            }
        } else if (ctx.argIs(1, "sleep") && argc == 3) {
            sleep(ctx.argString(2));
            ctx.reply().ok();
        } else {
            throw Help.subcommandSyntaxError(ctx);
        }
    }

    /** Blocks the engine thread, as Redis blocks its main thread (strtod: junk is 0). */
    private static void sleep(String seconds) {
        double d;
        try {
            d = Double.parseDouble(seconds.trim());
        } catch (NumberFormatException e) {
            d = 0;
        }
        long micros = (long) (d * 1_000_000);
        if (micros > 0) {
            try {
                Thread.sleep(micros / 1000, (int) (micros % 1000) * 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
