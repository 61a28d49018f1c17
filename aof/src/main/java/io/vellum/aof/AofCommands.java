package io.vellum.aof;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;
import io.vellum.core.engine.CommandContext;

/**
 * The log's commands. BGREWRITEAOF means "take a snapshot and drop the log files it covers"
 * (DESIGN.md, "Snapshots"); until the snapshot store exists it answers that it is needed. The
 * snapshot module binds BGREWRITEAOF itself; a group added after this one replaces this binding.
 */
public final class AofCommands implements CommandGroup {
    static final String NEEDS_SNAPSHOTS = "ERR BGREWRITEAOF needs a snapshot store: the log is rewritten by taking"
            + " a snapshot and dropping the log files it covers, and this store has no snapshot store";

    @Override
    public void register(CommandTable.Binder b) {
        b.bind("bgrewriteaof", AofCommands::bgrewriteaof);
    }

    /* BGREWRITEAOF */
    static void bgrewriteaof(CommandContext ctx) {
        throw new CommandError(NEEDS_SNAPSHOTS);
    }
}
