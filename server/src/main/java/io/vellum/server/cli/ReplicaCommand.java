package io.vellum.server.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code vellum replica --follow-dir <primary dir> [config-file] [--dir <own dir>] [--port <p>] ...}:
 * a same-host replica. It tails the primary's log files read-only, applies each record as it
 * appears, keeps its own log in its own directory (so it restarts where it was and can be
 * promoted with REPLICAOF NO ONE) and serves reads over RESP. Other directives as for
 * {@code vellum server}.
 */
@Command(name = "replica", description = {
        "Starts a same-host replica: follows the log of the store in --follow-dir (read-only) and serves",
        "reads. Directives as for `vellum server` (--dir <own dir> --port <p> ...)."})
public final class ReplicaCommand implements Callable<Integer> {

    @Option(names = "--follow-dir", required = true, paramLabel = "DIR", description = "the primary's store directory")
    Path followDir;

    @Parameters(arity = "0..*", paramLabel = "ARGS", description = "[config-file] [--name value ...]")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        return ServerCommand.serve(args, followDir);
    }
}
