package io.vellum.core.command;

/**
 * A set of command handlers that binds itself into a table: each data type's commands,
 * the server commands, and the modules' commands (scripting, snapshots, replication).
 */
@FunctionalInterface
public interface CommandGroup {
    void register(CommandTable.Binder binder);
}
