package io.vellum.replication;

import io.vellum.aof.LogDamageException;
import io.vellum.aof.LogFiles;
import io.vellum.aof.LogScanner;
import io.vellum.core.spi.UnitRecord;
import java.nio.file.Path;
import java.util.List;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;

/**
 * Reads another store's log, read-only, as it grows: the same-host follower tails the primary's
 * files with it, and the primary streams to a network replica with it. It finds a record by its
 * serial (replication's position, see {@link LogIdentity}) and then returns each record as it
 * appears, checked by {@link LogScanner} (checksum, framing, no gap in serials).
 *
 * <p>Finding a serial: serials and Chronicle's sequence numbers both count records with no
 * gap inside a cycle file, so the first record of each file tells where any serial of that
 * file is: one read per file, newest first.
 *
 * <p>Single-threaded. Nothing on disk changes (Chronicle's read-only mode, no named tailer:
 * where a replica is is its own log's last serial, which cannot disagree with what it applied).
 */
final class LogTail implements AutoCloseable {
    /** Where {@link #seekAfter} left the tail. */
    enum Seek {
        /** The next record read is the one asked for (or the tail waits for it at the end). */
        OK,
        /** The records asked for are no longer in the log (retention after a snapshot). */
        GONE,
        /** The log ends before the serial asked for: the asker holds records this log lacks. */
        AHEAD
    }

    private final SingleChronicleQueue queue;
    private final LogScanner scanner;
    private long lastSerial;
    /** The next record read may be a stand-in ({@link #seekToSnapshotRecord}). */
    private boolean standInAllowed;

    LogTail(Path storeDir) {
        this(storeDir, true);
    }

    /**
     * @param decode false when only the stored bytes are needed ({@link #raw()}; {@link #record()}
     *               is then null): each record is still checked, its commands are not decoded
     */
    LogTail(Path storeDir, boolean decode) {
        this.queue = LogFiles.openReadOnly(LogFiles.aofDir(storeDir));
        this.scanner = decode ? new LogScanner(queue) : new LogScanner(queue).serialsOnly();
    }

    /**
     * Positions the tail so that {@link #next()} returns serial {@code after + 1}, to continue a
     * store that applied {@code after}. When that record is a stand-in for one a crash tore
     * ({@code LOST}: its effects are only in the snapshot covering it), the records asked for
     * are gone: {@link Seek#GONE}.
     */
    Seek seekAfter(long after) throws LogDamageException {
        Seek s = seek(after);
        if (s != Seek.OK || !nextIsLost()) {
            return s;
        }
        return Seek.GONE;
    }

    /**
     * Positions the tail on the record a snapshot covers last, serial {@code after + 1} (a full
     * resync sends it after the snapshot, to be logged, not applied): it may be a stand-in.
     */
    Seek seekToSnapshotRecord(long after) throws LogDamageException {
        Seek s = seek(after);
        if (s == Seek.OK) {
            standInAllowed = true;
        }
        return s;
    }

    /** Whether the record {@link #next()} would read is a stand-in; leaves the tail where it was. */
    private boolean nextIsLost() throws LogDamageException {
        long before = lastSerial;
        if (!scanner.next()) {
            seek(before);
            return false;
        }
        boolean lost = scanner.kind() == UnitRecord.Kind.LOST;
        seek(before);
        return lost;
    }

    private Seek seek(long after) throws LogDamageException {
        standInAllowed = false;
        long want = after + 1;
        queue.refreshDirectoryListing();
        int first = queue.firstCycle();
        int last = queue.lastCycle();
        if (first == Integer.MAX_VALUE || last == Integer.MIN_VALUE || last < 0) {
            scanner.seekAfter(-1);
            lastSerial = 0;
            return after == 0 ? Seek.OK : Seek.AHEAD;
        }
        List<Long> cycles = new java.util.ArrayList<>(queue.listCyclesBetween(first, last));
        boolean sawRecord = false;
        for (int i = cycles.size() - 1; i >= 0; i--) {
            int c = cycles.get(i).intValue();
            if (!scanner.seekCycle(c) || !scanner.next()) {
                continue;
            }
            sawRecord = true;
            long s0 = scanner.serial();
            long p0 = scanner.position();
            if (s0 > want) {
                continue;
            }
            long seq0 = LogFiles.sequenceOf(p0);
            if (s0 == want) {
                return seekTo(p0, want - 1);
            }
            // The record before the one wanted: it must be in this file, the newest one at or before it.
            long before = LogFiles.position(c, seq0 + (want - 1 - s0));
            if (!scanner.seekTo(before)) {
                return Seek.AHEAD;
            }
            if (!scanner.next() || scanner.serial() != want - 1) {
                return Seek.AHEAD;
            }
            lastSerial = want - 1;
            return Seek.OK;
        }
        if (!sawRecord && after == 0) {
            scanner.seekAfter(-1);
            lastSerial = 0;
            return Seek.OK;
        }
        return Seek.GONE;
    }

    /**
     * The serial of the record at {@code position}, or -1 when the log does not hold it (a
     * snapshot's position whose file retention deleted). Leaves the tail anywhere: seek after.
     */
    long serialAt(long position) throws LogDamageException {
        queue.refreshDirectoryListing();
        if (!scanner.seekTo(position)) {
            return -1;
        }
        scanner.forgetSerial();
        if (!scanner.next() || scanner.position() != position) {
            return -1;
        }
        return scanner.serial();
    }

    private Seek seekTo(long position, long serialBefore) {
        if (!scanner.seekTo(position)) {
            return Seek.AHEAD;
        }
        scanner.forgetSerial();
        lastSerial = serialBefore;
        return Seek.OK;
    }

    /** Moves to the next record when there is one; false at the end of the log (for now). */
    boolean next() throws LogDamageException {
        if (!scanner.next()) {
            return false;
        }
        if (scanner.serial() != lastSerial + 1) {
            throw new LogDamageException(scanner.position(), "record serial " + scanner.serial() + " where serial "
                    + (lastSerial + 1) + " was expected", scanner.headerOffset(), true);
        }
        if (scanner.kind() == UnitRecord.Kind.LOST && !standInAllowed) {
            // Recovery replaced a torn record after this tail read the one before it: what it
            // held is only in the primary's snapshot.
            throw new LogDamageException(scanner.position(), "record " + scanner.serial() + " was torn by a crash and"
                    + " only the snapshot covering it holds its effects: a full resync is needed", scanner.headerOffset(),
                    true);
        }
        standInAllowed = false;
        lastSerial = scanner.serial();
        return true;
    }

    /** The serial of the record {@link #next()} read last. */
    long serial() {
        return lastSerial;
    }

    long position() {
        return scanner.position();
    }

    UnitRecord record() {
        return scanner.record();
    }

    /** The record's bytes as stored: {@code raw()[0, rawLength())} (the wire format of replication). */
    byte[] raw() {
        return scanner.raw();
    }

    int rawLength() {
        return scanner.rawLength();
    }

    @Override
    public void close() {
        scanner.close();
        queue.close();
    }
}
