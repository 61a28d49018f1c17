package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;

/** Not implemented yet: binds nothing, so its commands answer as unknown commands. */
public final class GeoCommands implements CommandGroup {
    @Override
    public void register(CommandTable.Binder b) {
    }
}
