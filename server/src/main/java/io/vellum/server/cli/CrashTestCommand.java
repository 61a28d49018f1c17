package io.vellum.server.cli;

import io.vellum.server.crashtest.CrashTest;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vellum crashtest}: kill -9 a real server under load, again and again, and prove nothing acknowledged was lost. */
@Command(name = "crashtest", description = {
        "Runs a server (a child JVM, started as the launcher starts it) on",
        "DIR/store under load from clients that record every acknowledged write,",
        "SIGKILLs it at random moments (some during a BGSAVE or a log roll),",
        "restarts it and checks that every",
        "acknowledged write is there and that the state is the replay of its log:",
        "a prefix of what the clients sent, holding every acknowledged unit.",
        "Prints kills, restarts, writes checked and lost, recovery time, where the",
        "time and CPU of a restart go, the CPU time per kill, and the seed.",
        "Each run starts from an empty DIR/store; DIR/cds keeps what later runs reuse.",
        "Exit status: 0 nothing lost and every check passed, 1 otherwise,",
        "2 could not run."})
public final class CrashTestCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true, paramLabel = "DIR", description = {
            "where the store and the server logs go (created; DIR/store and DIR/logs are emptied first)"})
    Path dir;

    @Option(names = "--duration", paramLabel = "TIME", description = "how long to run, e.g. 60s, 10m (default 60s)")
    String duration = "60s";

    @Option(names = "--kill-interval", paramLabel = "MIN..MAX", description = {
            "load time before each kill (default 20ms..1s): drawn log-uniformly in this range;",
            "one kill in six comes sooner (0..MIN), one 0-20 ms after a BGSAVE, one just after a log roll"})
    String killInterval = "20ms..1s";

    @Option(names = "--roll-every", paramLabel = "TIME", description = {
            "run the server's log clock fast so its hourly files roll every TIME (default 2s; 0: real hours),",
            "to kill it around rolls"})
    String rollEvery = "2s";

    @Option(names = "--fsync", paramLabel = "POLICY", description = "appendfsync of the server: always (default) or everysec")
    String fsync = "always";

    @Option(names = "--clients", paramLabel = "N", description = "load clients (default 8)")
    int clients = 8;

    @Option(names = "--workload", paramLabel = "W", description = {
            "mixed (default): SET, SET PX, DEL, RPUSH, HSET, INCR and MULTI/EXEC groups;",
            "scripts: EVAL of scripts doing the same (one uses TIME and math.random);",
            "<file.lua>: your script, called as EVAL with KEYS = 2 keys of the client, ARGV[1] = a unique tag"})
    String workload = "mixed";

    @Option(names = "--kills", paramLabel = "N", description = "stop after N kills, even before --duration (default: no limit)")
    int kills;

    @Option(names = "--seed", paramLabel = "N", description = "seed of every random choice (default: from the clock)")
    Long seed;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try {
            long[] range = parseRange(killInterval);
            if (!fsync.equals("always") && !fsync.equals("everysec")) {
                throw new IllegalArgumentException("--fsync is always or everysec, not " + fsync);
            }
            if (clients < 1) {
                throw new IllegalArgumentException("--clients must be at least 1");
            }
            CrashTest.Options o = new CrashTest.Options(dir.toAbsolutePath(), parseMillis(duration), range[0], range[1],
                    fsync, clients, workload, seed != null ? seed : System.nanoTime(), kills,
                    rollEvery.equals("0") ? 0 : parseMillis(rollEvery));
            CrashTest.Report r = CrashTest.run(o, System.out);
            r.print(System.out, o);
            return r.passed() ? 0 : 1;
        } catch (IllegalArgumentException e) {
            System.err.println("crashtest: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("crashtest could not run: " + e);
            return 2;
        }
    }

    private static final Pattern TIME = Pattern.compile("(\\d+)(ms|s|m)?");

    /** "200ms", "2s", "10m", "500" (milliseconds). */
    static long parseMillis(String text) {
        Matcher m = TIME.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a time: " + text + " (use e.g. 200ms, 2s, 10m)");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n;
        };
    }

    /** "200ms..2s" to {200, 2000}; one time is a fixed interval. */
    static long[] parseRange(String text) {
        String[] parts = text.split("\\.\\.");
        long lo = parseMillis(parts[0]);
        long hi = parts.length > 1 ? parseMillis(parts[1]) : lo;
        if (parts.length > 2 || lo > hi || lo < 1) {
            throw new IllegalArgumentException("--kill-interval is MIN..MAX with 0 < MIN <= MAX: " + text);
        }
        return new long[] {lo, hi};
    }
}
