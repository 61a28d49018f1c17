package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;

/** COMMAND and its subcommands, rendered from the command table. */
public final class CommandCommand implements CommandGroup {

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("command|count", CommandCommand::count);
    }

    /* COMMAND COUNT */
    static void count(CommandContext ctx) {
        ctx.reply().integer(ctx.engine().table().commands().size());
    }
}
