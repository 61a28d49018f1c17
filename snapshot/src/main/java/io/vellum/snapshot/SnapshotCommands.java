package io.vellum.snapshot;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.command.Errors;
import io.vellum.core.engine.CommandContext;

/**
 * SAVE, BGSAVE, LASTSAVE and BGREWRITEAOF, answering as Redis does. BGREWRITEAOF rewrites the
 * log the way this store can: a snapshot, then retention drops the log files it makes
 * unnecessary (DESIGN.md, "Snapshots"). Replaces the aof module's placeholder binding.
 */
final class SnapshotCommands implements CommandGroup {
    private final ProtoSnapshotStore store;

    SnapshotCommands(ProtoSnapshotStore store) {
        this.store = store;
    }

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("save", this::save)
                .bind("bgsave", this::bgsave)
                .bind("lastsave", this::lastsave)
                .bind("bgrewriteaof", this::bgrewriteaof);
    }

    /* SAVE */
    void save(CommandContext ctx) {
        if (store.inProgress()) {
            throw new CommandError("ERR Background save already in progress");
        }
        if (store.saveNow()) {
            ctx.reply().ok();
        } else {
            ctx.reply().error("ERR");
        }
    }

    /* BGSAVE [SCHEDULE] */
    void bgsave(CommandContext ctx) {
        boolean schedule = false;
        if (ctx.argc() > 1) {
            if (ctx.argc() == 2 && ctx.argIs(1, "schedule")) {
                schedule = true;
            } else {
                throw Errors.E_SYNTAX;
            }
        }
        if (store.inProgress()) {
            if (!store.rewriteInProgress()) {
                throw new CommandError("ERR Background save already in progress");
            }
            if (!schedule) {
                throw new CommandError("ERR Another child process is active (AOF?): can't BGSAVE right now."
                        + " Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.");
            }
            store.scheduleBgsave();
            ctx.reply().simple("Background saving scheduled");
            return;
        }
        store.startBackground(false);
        ctx.reply().simple("Background saving started");
    }

    /* LASTSAVE */
    void lastsave(CommandContext ctx) {
        ctx.reply().integer(store.lastSaveSeconds());
    }

    /* BGREWRITEAOF */
    void bgrewriteaof(CommandContext ctx) {
        if (store.rewriteInProgress()) {
            throw new CommandError("ERR Background append only file rewriting already in progress");
        }
        if (store.inProgress()) {
            store.scheduleRewrite();
            ctx.reply().simple("Background append only file rewriting scheduled");
            return;
        }
        store.startBackground(true);
        ctx.reply().simple("Background append only file rewriting started");
    }
}
