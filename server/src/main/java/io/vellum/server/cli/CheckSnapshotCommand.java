package io.vellum.server.cli;

import io.vellum.snapshot.SnapshotTool;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code vellum check-snapshot <file>}: verifies a snapshot file and prints its counts. */
@Command(name = "check-snapshot", description = {
        "Verifies a snapshot file (framing, record count, CRC-32C) and prints what it holds:",
        "the log position it covers, keys per database and per type, scripts. Read-only.",
        "Exit status: 0 intact, 1 damaged, 2 could not read."})
public final class CheckSnapshotCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "a snapshot file (DIR/snapshots/snapshot-<position>.vsnap)")
    Path file;

    @Override
    public Integer call() {
        return SnapshotTool.check(file, System.out);
    }
}
