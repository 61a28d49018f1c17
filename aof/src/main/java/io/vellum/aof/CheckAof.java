package io.vellum.aof;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * {@code vellum check-aof <dir> [--fix]}: reads the whole log, checking every record, and
 * reports the first one it cannot read and whether intact records follow it (damage in the
 * middle) or not (a torn tail). With {@code --fix} it truncates the log there, keeping the
 * removed files ({@link LogRepair}), after which the store opens. Without {@code --fix} it
 * opens the log read-only and may run while a server uses the store.
 */
public final class CheckAof {
    private CheckAof() {
    }

    /** What the check found. {@code damage} is null for an intact log. */
    public record Report(long records, long firstPosition, long lastPosition, Recovery.Damage damage) {
        public boolean intact() {
            return damage == null;
        }

        public long damagePosition() {
            return damage == null ? -1 : damage.position();
        }

        public boolean damageIsTornTail() {
            return damage != null && !damage.intactAfter();
        }
    }

    /** Checks the log of {@code storeDir} (a store directory, or a log directory itself). */
    public static Report check(Path dir) throws IOException {
        Path aofDir = logDir(dir);
        try (SingleChronicleQueue queue = LogFiles.openReadOnly(aofDir)) {
            return check(queue);
        }
    }

    static Report check(SingleChronicleQueue queue) {
        long n = 0;
        long first = -1;
        long last = -1;
        long lastHeader = -1;
        try (LogScanner s = new LogScanner(queue)) {
            try {
                s.seekAfter(-1);
                while (s.next()) {
                    if (first < 0) {
                        first = s.position();
                    }
                    last = s.position();
                    lastHeader = s.headerOffset();
                    n++;
                }
            } catch (LogDamageException e) {
                return new Report(n, first, last, Recovery.judge(queue, e));
            }
        }
        return new Report(n, first, last, Recovery.cutAfterLastRecord(queue, last, lastHeader));
    }

    /**
     * Runs the command: prints what it found to {@code out}; with {@code fix}, repairs.
     * Returns the exit status: 0 when the log is (now) intact, 1 when it is damaged, 2 when it
     * could not be checked.
     */
    public static int run(Path dir, boolean fix, PrintStream out) {
        Path aofDir = logDir(dir);
        if (!Files.isDirectory(aofDir)) {
            out.println("No log in " + dir + " (no " + LogFiles.AOF_DIR + "/ directory)");
            return 2;
        }
        try {
            Path store = aofDir.getParent();
            int journaled = CommitJournal.read(store).ranges().size();
            if (journaled > 0 && fix) {
                try (DirectoryLock lock = DirectoryLock.acquire(store)) {
                    CommitJournal.redo(store, aofDir);
                }
                out.println("Wrote " + journaled + " committed ranges from " + CommitJournal.path(store)
                        + " back into the log's files first (as recovery does).");
            } else if (journaled > 0) {
                out.println("The commit journal " + CommitJournal.path(store) + " holds " + journaled
                        + " committed ranges that recovery (or --fix) writes back into the log's files first;"
                        + " this check reads the files without them.");
            }
            Report r = check(dir);
            out.println("Log " + aofDir + ": " + r.records() + " intact records"
                    + (r.records() > 0 ? ", positions " + r.firstPosition() + " to " + r.lastPosition() : ""));
            if (r.intact()) {
                out.println("The log is intact.");
                return 0;
            }
            long p = r.damagePosition();
            out.println("First bad record at position " + LogFiles.describe(p) + ": " + r.damage().reason());
            out.println(r.damageIsTornTail()
                    ? "Nothing intact follows it: a torn tail (a crash cut the log). Recovery drops it when"
                            + " aof-load-truncated is yes."
                    : "Intact records follow it: damage in the middle of the log. Recovery refuses to start.");
            if (!fix) {
                out.println("To truncate the log at position " + p + " (keeping a copy of what is removed), run:"
                        + " vellum check-aof " + dir + " --fix");
                return 1;
            }
            Path storeDir = aofDir.getParent();
            try (DirectoryLock lock = DirectoryLock.acquire(storeDir)) {
                LogRepair.Result res = LogRepair.truncate(storeDir, p, "vellum check-aof --fix: " + r.damage().reason());
                out.println("Fixed: " + res.describe());
            }
            Report after = check(dir);
            if (!after.intact()) {
                out.println("The log is still damaged at position " + LogFiles.describe(after.damagePosition())
                        + ": " + after.damage().reason() + ". Run vellum check-aof " + dir + " --fix again.");
                return 1;
            }
            out.println("The log is intact: " + after.records() + " records. The store can start.");
            return 0;
        } catch (IOException | RuntimeException e) {
            out.println("Cannot check the log " + aofDir + ": " + e.getMessage());
            return 2;
        }
    }

    /** A store directory's log directory, or {@code dir} itself when it holds cycle files. */
    static Path logDir(Path dir) {
        Path aof = LogFiles.aofDir(dir);
        if (Files.isDirectory(aof)) {
            return aof;
        }
        try {
            if (!LogFiles.cycleFiles(dir).isEmpty()) {
                return dir;
            }
        } catch (IOException ignored) {
            // fall through
        }
        return aof;
    }
}
