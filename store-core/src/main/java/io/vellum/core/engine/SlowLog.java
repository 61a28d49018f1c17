package io.vellum.core.engine;

import io.vellum.core.command.CommandFlag;
import io.vellum.core.command.CommandSpec;
import io.vellum.core.config.StoreConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * The slow log (Redis's slowlog.c): every command that ran at least slowlog-log-slower-than
 * microseconds (negative: none, 0: all), newest first, at most slowlog-max-len of them. Kept
 * as Redis keeps them: at most 32 arguments (the last one saying how many more there were),
 * each cut at 128 bytes, with the client's address and name. A command a script called is
 * logged under Redis's script client ("?:0", no name). Observation only: not in the log,
 * not replicated, not in snapshots. Engine thread only.
 */
public final class SlowLog {
    static final int MAX_ARGC = 32;
    static final int MAX_STRING = 128;
    private static final byte[] SCRIPT_PEER = "?:0".getBytes(StandardCharsets.US_ASCII);

    /** One logged command, as SLOWLOG GET shows it. */
    public record Entry(long id, long unixSeconds, long micros, byte[][] argv, byte[] peer, byte[] clientName) {
    }

    private final StoreConfig config;
    private final UnitClock clock;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long nextId;

    SlowLog(StoreConfig config, UnitClock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** slowlogPushCurrentCommand: logs the command if it was slow enough, then trims. */
    void consider(CommandSpec spec, Session s, byte[][] argv, long micros, boolean fromScript) {
        long threshold = config.slowlogLogSlowerThan.get();
        if (threshold < 0 || spec == null || spec.has(CommandFlag.SKIP_SLOWLOG)) {
            return;
        }
        if (micros >= threshold) {
            byte[] peer = fromScript ? SCRIPT_PEER : s.connection().remoteAddress().getBytes(StandardCharsets.ISO_8859_1);
            String name = fromScript ? null : s.name();
            entries.addFirst(new Entry(nextId++, clock.wallMillis() / 1000, micros, trimmed(argv), peer,
                    name == null ? new byte[0] : name.getBytes(StandardCharsets.ISO_8859_1)));
        }
        trim();
    }

    private void trim() {
        long max = config.slowlogMaxLen.get();
        while (entries.size() > max) {
            entries.removeLast();
        }
    }

    private static byte[][] trimmed(byte[][] argv) {
        int argc = Math.min(argv.length, MAX_ARGC);
        byte[][] out = new byte[argc][];
        for (int j = 0; j < argc; j++) {
            if (argc != argv.length && j == argc - 1) {
                out[j] = ("... (" + (argv.length - argc + 1) + " more arguments)").getBytes(StandardCharsets.US_ASCII);
            } else if (argv[j].length > MAX_STRING) {
                byte[] more = ("... (" + (argv[j].length - MAX_STRING) + " more bytes)").getBytes(StandardCharsets.US_ASCII);
                byte[] a = Arrays.copyOf(argv[j], MAX_STRING + more.length);
                System.arraycopy(more, 0, a, MAX_STRING, more.length);
                out[j] = a;
            } else {
                out[j] = argv[j].clone();
            }
        }
        return out;
    }

    public int size() {
        return entries.size();
    }

    /** Newest first. */
    public Iterator<Entry> iterator() {
        return entries.iterator();
    }

    public void reset() {
        entries.clear();
    }
}
