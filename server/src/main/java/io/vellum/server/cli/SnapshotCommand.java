package io.vellum.server.cli;

import io.vellum.snapshot.SnapshotTool;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vellum snapshot dump <file>}: tools that read a snapshot file. */
@Command(name = "snapshot", description = "Tools that read a snapshot file (read-only: safe while a server runs).",
        subcommands = {SnapshotCommand.Dump.class})
public final class SnapshotCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** {@code vellum snapshot dump}: every key, readable. */
    @Command(name = "dump", description = {
            "Prints the snapshot's header, then one line per key: database, key, sequence number,",
            "expiry (UTC) and the value; then the cached scripts and function libraries."})
    static final class Dump implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "a snapshot file")
        Path file;

        @Override
        public Integer call() {
            return SnapshotTool.dump(file, System.out);
        }
    }
}
