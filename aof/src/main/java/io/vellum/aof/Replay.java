package io.vellum.aof;

import io.vellum.core.engine.Engine;
import io.vellum.core.spi.ReplayDivergenceException;
import io.vellum.core.spi.UnitRecord;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays the log into an engine: every record after a position, through
 * {@link Engine#applyRecord} (the same command code, with each record's time, seed, database
 * and protocol), checking each record's effect digest. The entry point for recovery, for the
 * rebuild after a write failure, and for the snapshot module ("replay after the position the
 * snapshot covers").
 *
 * <p>Runs on the thread that owns the engine.
 */
public final class Replay {
    private static final Logger LOG = LoggerFactory.getLogger(Replay.class);

    private Replay() {
    }

    /**
     * What a replay did.
     *
     * @param records      records replayed
     * @param bytes        their size (with Chronicle's 4-byte headers)
     * @param lastPosition the position of the last record replayed (or the start position)
     * @param lastHeader   where that record's Chronicle header starts in its file (-1: none read)
     * @param lastSerial   the serial of that record (-1: none read)
     * @param damage       the first record that could not be read, or null when the log ended cleanly
     */
    public record Result(long records, long bytes, long lastPosition, long lastHeader, long lastSerial,
                         LogDamageException damage) {
    }

    /**
     * Replays every record after {@code afterPosition} (-1: all) into {@code engine}. Stops at
     * the first record that cannot be read and returns it in the result; the records before it
     * are applied.
     *
     * @throws ReplayFailedException when a record's effects differ from what it says (the
     *                               message names the position, the unit and both digests)
     */
    public static Result run(SingleChronicleQueue queue, Engine engine, long afterPosition, ReplayProgress progress) {
        return run(queue, engine, afterPosition, 0, progress);
    }

    /**
     * {@link #run(SingleChronicleQueue, Engine, long, ReplayProgress)}, with {@code serialAtPosition}
     * the serial of the record at {@code afterPosition} when the base knows it (0: unknown): the
     * walk to that record is then anchored to it ({@link LogScanner#seekAfter(long, long)}).
     */
    public static Result run(SingleChronicleQueue queue, Engine engine, long afterPosition, long serialAtPosition,
                             ReplayProgress progress) {
        boolean wasLoading = engine.loading();
        engine.setLoading(true);
        progress.start(countRecords(queue, afterPosition));
        long n = 0;
        long bytes = 0;
        long last = afterPosition;
        long lastHeader = -1;
        long lastSerial = -1;
        LogDamageException damage = null;
        try (LogScanner scanner = new LogScanner(queue)) {
            try {
                scanner.seekAfter(afterPosition, serialAtPosition);
                while (scanner.next()) {
                    if (scanner.record().kind() == UnitRecord.Kind.LOST) {
                        throw new ReplayFailedException(scanner.position(), scanner.serial());
                    }
                    try {
                        engine.applyRecord(scanner.record(), false);
                    } catch (ReplayDivergenceException e) {
                        throw new ReplayFailedException(scanner.position(), e);
                    }
                    n++;
                    bytes += scanner.rawLength() + 4;
                    last = scanner.position();
                    lastHeader = scanner.headerOffset();
                    lastSerial = scanner.serial();
                    progress.record(scanner.rawLength() + 4);
                }
            } catch (LogDamageException e) {
                damage = e;
            }
        } finally {
            progress.finish();
            engine.setLoading(wasLoading);
        }
        if (n > 0) {
            LOG.info("Replayed the log: {}", progress.summary());
        }
        return new Result(n, bytes, last, lastHeader, lastSerial, damage);
    }

    /** About how many records follow {@code afterPosition} (-1 when Chronicle cannot tell). */
    static long countRecords(SingleChronicleQueue queue, long afterPosition) {
        try (ExcerptTailer t = queue.createTailer()) {
            int first = queue.firstCycle();
            int last = queue.lastCycle();
            if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || last < 0) {
                return 0;
            }
            // only the files from the base's on: each file counted is opened, and a log kept
            // whole (the crash test's) has one per hour of its history
            boolean based = afterPosition >= 0 && LogFiles.cycleOf(afterPosition) >= first;
            if (based && LogFiles.cycleOf(afterPosition) > last) {
                return 0;
            }
            long total = 0;
            for (long c : queue.listCyclesBetween(based ? LogFiles.cycleOf(afterPosition) : first, last)) {
                total += t.excerptsInCycle((int) c);
            }
            if (based) {
                total -= Math.min(total, LogFiles.sequenceOf(afterPosition) + 1);
            }
            return total;
        } catch (RuntimeException | Error e) {
            return -1;
        }
    }

    /** Replay produced different effects from the record's: recovery must stop. */
    public static final class ReplayFailedException extends RuntimeException {
        private final long position;

        ReplayFailedException(long position, ReplayDivergenceException cause) {
            super("Replay of the log diverged at position " + LogFiles.describe(position) + ": unit ["
                    + cause.unit() + "] was logged with effect digest " + String.format("%016x", cause.expected())
                    + " but replays with " + String.format("%016x", cause.actual())
                    + ". This build does not reproduce what wrote the log (a different Vellum version, or a"
                    + " nondeterministic command); the log was left untouched. Open it with the version that"
                    + " wrote it, or inspect it with `vellum log dump <dir> --from " + position + "`.", cause);
            this.position = position;
        }

        /** Replay reached a stand-in for a lost record: only a snapshot covering it holds its effects. */
        ReplayFailedException(long position, long serial) {
            super("Replay of the log reached position " + LogFiles.describe(position) + " (record " + serial + "), a record"
                    + " a crash tore and that only a snapshot covering it holds; the base the log is replayed onto is"
                    + " older than that snapshot. Restore that snapshot (or a newer one) into the snapshots directory;"
                    + " the log was left untouched.");
            this.position = position;
        }

        public long position() {
            return position;
        }
    }
}
