package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Keyspace;

/**
 * Server commands: DBSIZE, FLUSHDB, FLUSHALL, TIME, SHUTDOWN. INFO, CONFIG and DEBUG have
 * classes of their own.
 */
public final class ServerCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("dbsize", ServerCommands::dbsize)
                .bind("flushdb", ServerCommands::flushdb)
                .bind("flushall", ServerCommands::flushall)
                .bind("time", ServerCommands::time)
                .bind("shutdown", ServerCommands::shutdown)
                .bind("monitor", ServerCommands::monitor);
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

    /*
     * SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]
     *
     * Takes a snapshot when asked (SAVE) or when save points are configured (neither SAVE nor
     * NOSAVE), as Redis does; makes what was logged durable, then runs the engine's shutdown handler (the launcher
     * exits the process; an embedded store closes the connection and keeps running, as its
     * owner decides when to close it). Like Redis, a successful SHUTDOWN sends no reply.
     * Vellum shuts down at once: there are no replicas to wait for, so NOW changes nothing
     * and ABORT always finds no shutdown in progress.
     */
    static void shutdown(CommandContext ctx) {
        boolean save = false;
        boolean nosave = false;
        boolean force = false;
        boolean abort = false;
        boolean flags = false;
        for (int i = 1; i < ctx.argc(); i++) {
            if (ctx.argIs(i, "nosave")) {
                nosave = true;
            } else if (ctx.argIs(i, "save")) {
                save = true;
            } else if (ctx.argIs(i, "now")) {
                flags = true;
            } else if (ctx.argIs(i, "force")) {
                force = true;
            } else if (ctx.argIs(i, "abort")) {
                abort = true;
            } else {
                throw io.vellum.core.command.Errors.E_SYNTAX;
            }
        }
        if ((abort && (save || nosave || force || flags)) || (save && nosave)) {
            throw io.vellum.core.command.Errors.E_SYNTAX;
        }
        if (abort) {
            ctx.reply().error("ERR No shutdown in progress.");
            return;
        }
        io.vellum.core.spi.SnapshotStore snapshots = ctx.engine().snapshots();
        if (snapshots != null && !snapshots.shutdownSave(save, nosave) && !force) {
            ctx.reply().error("ERR Errors trying to SHUTDOWN. Check logs.");
            return;
        }
        try {
            ctx.engine().log().commit();
        } catch (io.vellum.core.spi.LogWriteException e) {
            if (!force) {
                ctx.reply().error("ERR Errors trying to SHUTDOWN. Check logs.");
                return;
            }
        }
        ctx.session().setCloseAfterReply();
        ctx.engine().shutdownHandler().run();
    }

    /* TIME */
    static void time(CommandContext ctx) {
        long us = ctx.nowMicros();
        ctx.reply().array(2);
        ctx.reply().bulk(Long.toString(Math.floorDiv(us, 1_000_000L)));
        ctx.reply().bulk(Long.toString(Math.floorMod(us, 1_000_000L)));
    }

    /* MONITOR */
    static void monitor(CommandContext ctx) {
        if (ctx.session().isMonitor()) {
            return; // monitorCommand ignores it, without a reply
        }
        ctx.engine().monitors().start(ctx.session());
        ctx.reply().ok();
    }
}
