package io.vellum.server.cli;

import io.vellum.aof.LogDump;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vellum log dump <dir> [--from N] [--to N]}: tools that read a store's log. */
@Command(name = "log", description = "Tools that read a store's log (read-only: safe while a server runs).",
        subcommands = {LogCommand.Dump.class})
public final class LogCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code vellum log dump}: the records as readable commands, with position and time. */
    @Command(name = "dump", description = {
            "Prints the log's records, one per line: position, time (UTC), database, the unit",
            "as received (MULTI/EXEC units as 'MULTI; ...; EXEC')."})
    static final class Dump implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "DIR", description = "the store directory (the one holding aof/), or a log directory")
        Path dir;

        @Option(names = "--from", paramLabel = "N", description = "the first position to print (default: the start)")
        long from = -1;

        @Option(names = "--to", paramLabel = "N", description = "the last position to print (default: the end)")
        long to = Long.MAX_VALUE;

        @Override
        public Integer call() {
            return LogDump.run(dir, from, to, System.out);
        }
    }
}
