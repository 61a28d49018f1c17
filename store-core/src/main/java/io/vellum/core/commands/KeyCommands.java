package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;
import io.vellum.core.keyspace.Database;

/** Generic key commands (Redis's db.c and expire.c). */
public final class KeyCommands implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("del", KeyCommands::del)
                .bind("exists", KeyCommands::exists);
    }

    /* DEL key [key ...] */
    static void del(CommandContext ctx) {
        Database db = ctx.db();
        long n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (db.delete(ctx.arg(i))) {
                n++;
            }
        }
        ctx.reply().integer(n);
    }

    /* EXISTS key [key ...] */
    static void exists(CommandContext ctx) {
        Database db = ctx.db();
        long n = 0;
        for (int i = 1; i < ctx.argc(); i++) {
            if (db.lookupRead(ctx.arg(i)) != null) {
                n++;
            }
        }
        ctx.reply().integer(n);
    }
}
