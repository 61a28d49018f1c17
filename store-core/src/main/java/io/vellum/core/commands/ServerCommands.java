package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Keyspace;

/** Server commands: DBSIZE, FLUSHDB, FLUSHALL, TIME (more with the server issue). */
public final class ServerCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("dbsize", ServerCommands::dbsize)
                .bind("flushdb", ServerCommands::flushdb)
                .bind("flushall", ServerCommands::flushall)
                .bind("time", ServerCommands::time);
    }

    /* DBSIZE */
    static void dbsize(CommandContext ctx) {
        ctx.reply().integer(ctx.db().size());
    }

    /* FLUSHDB [ASYNC | SYNC] */
    static void flushdb(CommandContext ctx) {
        checkFlushOption(ctx);
        ctx.addDirty(ctx.db().flush());
        ctx.forceLog();
        ctx.reply().ok();
    }

    /* FLUSHALL [ASYNC | SYNC] */
    static void flushall(CommandContext ctx) {
        checkFlushOption(ctx);
        Keyspace ks = ctx.keyspace();
        long n = 0;
        for (int i = 0; i < ks.count(); i++) {
            n += ks.db(i).flush();
        }
        ctx.addDirty(n + 1);
        ctx.forceLog();
        ctx.reply().ok();
    }

    private static void checkFlushOption(CommandContext ctx) {
        if (ctx.argc() > 2 || (ctx.argc() == 2 && !ctx.argIs(1, "sync") && !ctx.argIs(1, "async"))) {
            throw io.vellum.core.command.Errors.E_SYNTAX;
        }
    }

    /* TIME */
    static void time(CommandContext ctx) {
        long us = ctx.nowMicros();
        ctx.reply().array(2);
        ctx.reply().bulk(Long.toString(Math.floorDiv(us, 1_000_000L)));
        ctx.reply().bulk(Long.toString(Math.floorMod(us, 1_000_000L)));
    }
}
