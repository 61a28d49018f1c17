package io.vellum.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code vellum} command: {@code vellum server [config-file] [--name value ...]} and the
 * operator tools. Each subcommand is a class of its own in this package.
 */
@Command(name = "vellum", mixinStandardHelpOptions = true, version = "Vellum 0.1.0",
        description = "A durable, Redis-compatible store for the JVM.",
        subcommands = {ServerCommand.class, ReplicaCommand.class, CheckAofCommand.class, LogCommand.class,
            CheckSnapshotCommand.class, SnapshotCommand.class, CrashTestCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Main());
        // "vellum server --port 7000 --appendfsync always": directives are free-form, as redis-server takes them.
        cl.getSubcommands().get("server").setUnmatchedOptionsArePositionalParams(true);
        cl.getSubcommands().get("replica").setUnmatchedOptionsArePositionalParams(true);
        int code = cl.execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }
}
