package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.engine.SlowLog;
import io.vellum.core.reply.ReplySink;
import io.vellum.core.util.Longs;
import java.util.Iterator;

/** SLOWLOG GET [count] | LEN | RESET | HELP (Redis's slowlog.c); the entries are {@link SlowLog}'s. */
final class SlowLogCommands implements CommandGroup {
    @Override
    public void register(CommandTable.Binder b) {
        b.bind("slowlog|get", SlowLogCommands::get)
                .bind("slowlog|len", ctx -> ctx.reply().integer(ctx.engine().slowLog().size()))
                .bind("slowlog|reset", ctx -> {
                    ctx.engine().slowLog().reset();
                    ctx.reply().ok();
                })
                .bind("slowlog|help", SlowLogCommands::help);
    }

    /* SLOWLOG GET [count]: the newest count entries (default 10, -1 for all) */
    private static void get(CommandContext ctx) {
        if (ctx.argc() > 3) {
            throw Help.subcommandSyntaxError(ctx);
        }
        SlowLog log = ctx.engine().slowLog();
        long count = 10;
        if (ctx.argc() == 3) {
            byte[] a = ctx.arg(2);
            if (!Longs.isLong(a) || Longs.parseValid(a) < -1) {
                throw new CommandError("ERR count should be greater than or equal to -1");
            }
            count = Longs.parseValid(a);
            if (count == -1) {
                count = log.size();
            }
        }
        int n = (int) Math.min(count, log.size());
        ReplySink r = ctx.reply();
        r.array(n);
        Iterator<SlowLog.Entry> it = log.iterator();
        for (int i = 0; i < n; i++) {
            SlowLog.Entry e = it.next();
            r.array(6);
            r.integer(e.id());
            r.integer(e.unixSeconds());
            r.integer(e.micros());
            r.array(e.argv().length);
            for (byte[] a : e.argv()) {
                r.bulk(a);
            }
            r.bulk(e.peer());
            r.bulk(e.clientName());
        }
    }

    /* SLOWLOG HELP */
    private static void help(CommandContext ctx) {
        Help.reply(ctx,
                "GET [<count>]",
                "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
                "    Entries are made of:",
                "    id, timestamp, time in microseconds, arguments array, client IP and port,",
                "    client name",
                "LEN",
                "    Return the length of the slowlog.",
                "RESET",
                "    Reset the slowlog.");
    }
}
