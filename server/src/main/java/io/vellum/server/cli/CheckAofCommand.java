package io.vellum.server.cli;

import io.vellum.aof.CheckAof;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vellum check-aof <dir> [--fix]}: checks a store's log; with --fix, truncates it at the first bad record. */
@Command(name = "check-aof", description = {
        "Checks every record of a store's log and reports the first one that cannot be read:",
        "a torn tail (nothing intact after it) or damage in the middle. Read-only without --fix.",
        "Exit status: 0 intact (or fixed), 1 damaged, 2 could not check."})
public final class CheckAofCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "DIR", description = "the store directory (the one holding aof/), or a log directory")
    Path dir;

    @Option(names = "--fix", description = {
            "Truncate the log at the first bad record. The removed files are kept, as they were,",
            "in DIR/aof-removed-<time>-<position>/. The store must not be open."})
    boolean fix;

    @Override
    public Integer call() {
        return CheckAof.run(dir, fix, System.out);
    }
}
