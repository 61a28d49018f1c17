package io.vellum.core.commands;

import io.vellum.core.command.CommandError;
import io.vellum.core.command.CommandGroup;
import io.vellum.core.command.CommandTable;

/**
 * CLUSTER and the cluster connection commands (READONLY, READWRITE, ASKING), as a Redis that
 * runs with {@code cluster-enabled no} answers them: Vellum is one primary and its replicas,
 * never a cluster. Client libraries ask CLUSTER INFO or CLUSTER SLOTS to find out which mode a
 * server runs in, and read this error as "standalone". Arity and unknown subcommands are
 * checked first, as Redis checks them.
 */
final class ClusterCommands implements CommandGroup {
    private static final String DISABLED = "ERR This instance has cluster support disabled";

    @Override
    public void register(CommandTable.Binder b) {
        b.bindSubcommands("cluster", ClusterCommands::disabled)
                .bind("readonly", ClusterCommands::disabled)
                .bind("readwrite", ClusterCommands::disabled)
                .bind("asking", ClusterCommands::disabled);
    }

    private static void disabled(io.vellum.core.engine.CommandContext ctx) {
        throw new CommandError(DISABLED);
    }
}
