package io.vellum.core.commands;

import io.vellum.core.command.CommandGroup;
import java.util.List;

/** The command groups every store binds. Modules add theirs through the engine builder. */
public final class BuiltinCommands {
    private BuiltinCommands() {
    }

    public static List<CommandGroup> groups() {
        return List.of(
                new ConnectionCommands(),
                new ClientCommands(),
                new ServerCommands(),
                new ConfigCommands(),
                new InfoCommand(),
                new DebugCommand(),
                new CommandCommand(),
                new TransactionCommands(),
                new KeyCommands(),
                new SortCommand(),
                new StringCommands(),
                new BitCommands(),
                new ListCommands(),
                new HashCommands(),
                new SetCommands(),
                new ZSetCommands(),
                new StreamCommands(),
                new HyperLogLogCommands(),
                new GeoCommands(),
                new PubSubCommands(),
                new ClusterCommands(),
                new MemoryCommands(),
                new SlowLogCommands(),
                new AclCommands());
    }
}
