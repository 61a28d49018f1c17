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

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("server") && !java.util.Arrays.asList(args).contains("--help")
                && !java.util.Arrays.asList(args).contains("-h")) {
            // The server takes its arguments as redis-server does, so it needs nothing of picocli,
            // whose model of every subcommand costs a good part of a second of the JVM's start.
            int code = ServerCommand.serve(java.util.Arrays.asList(args).subList(1, args.length), null);
            if (code != 0) {
                System.exit(code);
            }
            return;
        }
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
