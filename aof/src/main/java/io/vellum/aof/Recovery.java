package io.vellum.aof;

import io.vellum.core.engine.Engine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.vellum.core.spi.UnitRecord;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.InternalAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.wire.Wires;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a log: recovery as numbered passes (STYLE.md 7). Runs on the opening thread, before
 * the engine starts, with the store directory locked.
 *
 * <ol start="0">
 *   <li>Write back what the commit journal holds ({@link CommitJournal#redo}): the bytes of
 *       every batch committed under {@code always} since the cycle files' last whole sync. A
 *       power loss may have kept older pages of the files; after this they hold every
 *       acknowledged record, as an msync of each batch would have left them.</li>
 *   <li>Finish a repair a crash interrupted ({@link LogRepair#finishInterrupted}).</li>
 *   <li>Open the queue.</li>
 *   <li>Load the base the log is replayed onto ({@link BaseState}: empty until snapshots).</li>
 *   <li>Replay every record after the base ({@link Replay}); a divergence stops here.</li>
 *   <li>Judge the end of the log. A record that cannot be read with nothing intact after it is
 *       a torn tail (a crash cut it): dropped, moved aside and reported when
 *       {@code aof-load-truncated} is yes. A damaged record with intact records after it is
 *       damage in the middle: recovery stops and names the repair command. A torn last record
 *       that the base (the newest snapshot) covers is replaced by a stand-in, so the log
 *       continues after it (5a, {@link #continueAfterLostBase}).</li>
 *   <li>Continue the log: the appender, reserved disk space.</li>
 * </ol>
 */
final class Recovery {
    private static final Logger LOG = LoggerFactory.getLogger(Recovery.class);

    private final Engine engine;
    private final AofOptions options;
    private final DirectoryLock lock;
    private final Path storeDir;
    private final Path aofDir;

    Recovery(Engine engine, AofOptions options, DirectoryLock lock) {
        this.engine = engine;
        this.options = options;
        this.lock = lock;
        this.storeDir = options.storeDir;
        this.aofDir = LogFiles.aofDir(storeDir);
    }

    AppendOnlyLog run() throws IOException {
        // Pass 0: the commit journal's ranges go back into the cycle files (then it is cleared).
        CommitJournal.redo(storeDir, aofDir);

        // Pass 1: a repair that a crash interrupted is finished (or its half-built copy dropped).
        LogRepair.Result unfinished = LogRepair.finishInterrupted(storeDir);
        if (unfinished != null) {
            LOG.warn("Finished a log repair a crash interrupted: {}", unfinished.describe());
        }

        // Pass 1b: a newest file without its header (the process died creating it, in a roll)
        // holds no record; Chronicle would wait seconds for the header before reading past it.
        dropHeaderlessNewestFile();

        // Pass 2: open the queue (a new log's directory is made durable before anything goes in it).
        if (!Files.isDirectory(aofDir)) {
            Files.createDirectories(aofDir);
            LogFiles.syncDirectory(storeDir);
        }
        long started = System.nanoTime();
        SingleChronicleQueue queue = LogFiles.openForWrite(aofDir, options.time);
        try {
            queue.refreshDirectoryListing();

            // Pass 3: the base: the dataset the log is replayed onto, the position it covers and
            // (when its snapshot knows it) the serial of the record there, which anchors the walk to it.
            BaseState.Base loaded = options.base.load(engine);
            long base = loaded.position();
            long baseSerial = loaded.serial();

            // Pass 4: replay.
            Replay.Result replay;
            try {
                replay = Replay.run(queue, engine, base, baseSerial, options.progress);
            } catch (Replay.ReplayFailedException e) {
                throw new RecoveryException(e.getMessage(), e);
            } catch (net.openhft.chronicle.core.io.IORuntimeException e) {
                throw new RecoveryException(unreadableFileMessage(e), e);
            }
            long records = replay.records();
            long size = replay.bytes();
            long last = replay.lastPosition();
            long serial = replay.lastSerial();

            // Pass 5: the end of the log.
            Damage damage = judgeEnd(queue, replay);
            if (base >= 0 && records == 0 && (damage == null || !damage.intactAfter)
                    && !baseIntact(queue, base, baseSerial)) {
                // The record the base covers last is the one a crash tore (Pass 5a).
                long serialBefore = serialBefore(queue, base);
                if (baseSerial > 0 && serialBefore > 0 && serialBefore != baseSerial - 1) {
                    throw new RecoveryException("The log " + aofDir + " cannot be read at position "
                            + LogFiles.describe(base) + ", the record the snapshot loaded covers last (record "
                            + baseSerial + "), and the record before it is record " + serialBefore + ", not "
                            + (baseSerial - 1) + ": the framing of the log before that position is damaged, so"
                            + " recovery stops. Check the log with: vellum check-aof " + storeDir);
                }
                queue.close();
                queue = null;
                LostBase lost = continueAfterLostBase(base, serialBefore, damage);
                queue = lost.queue;
                last = base;
                serial = lost.serial;
                damage = null;
            }
            if (damage != null) {
                if (damage.intactAfter) {
                    throw new RecoveryException(middleDamageMessage(damage));
                }
                if (!options.loadTruncated) {
                    throw new RecoveryException(tornTailRefusedMessage(damage));
                }
                queue.close();
                queue = null;
                LogRepair.Result cut = LogRepair.truncate(storeDir, damage.position,
                        "torn tail found on recovery: " + damage.reason);
                LOG.warn("The log ended with a torn record (a crash cut it): dropped the tail from position {} ({});"
                        + " the {} records before it were loaded. The removed files are kept in {}",
                        LogFiles.describe(damage.position), damage.reason, records, cut.backupDir());
                queue = LogFiles.openForWrite(aofDir, options.time);
            }
            if (serial < 0) {
                serial = lastSerial(queue);
            }
            long ms = (System.nanoTime() - started) / 1_000_000;
            if (records == 0 && last < 0) {
                LOG.info("Log {}: empty, a new log starts", aofDir);
            } else {
                LOG.info("Log {} recovered in {} ms: {} records replayed{}, the last at position {}", aofDir, ms, records,
                        base < 0 ? "" : " after position " + base, LogFiles.describe(last));
            }

            // Pass 6: continue the log.
            return new AppendOnlyLog(engine, options, lock, queue, last, serial, size);
        } catch (IOException | RuntimeException | Error e) {
            if (queue != null) {
                queue.close();
            }
            throw e;
        }
    }

    /**
     * Whether the record at the base's position can be read whole. When the base knows its
     * serial, a record read whole there with another serial is not the base's: Chronicle's walk
     * to it was misled by a damaged header before it, and recovery refuses.
     */
    private boolean baseIntact(SingleChronicleQueue queue, long base, long serial) throws RecoveryException {
        BaseRecord r = baseRecord(queue, base);
        if (serial > 0 && r.serial() >= 0 && r.serial() != serial) {
            throw new RecoveryException("The log " + aofDir + " holds record " + r.serial() + " at position "
                    + LogFiles.describe(base) + ", where the snapshot loaded covers record " + serial + ": the framing"
                    + " of the log before that position is damaged, so recovery stops. Check the log with:"
                    + " vellum check-aof " + storeDir);
        }
        return r.header() >= 0 && !r.damaged();
    }

    /** The queue reopened after {@link #continueAfterLostBase}, and the serial of its last record (the stand-in). */
    private record LostBase(SingleChronicleQueue queue, long serial) {
    }

    /**
     * Pass 5a: the log's last record, at {@code position}, was torn by a crash, but the base
     * (the newest snapshot) covers it: the snapshot was made durable, the log's last record was
     * not (a power loss with appendfsync everysec or no). Its effects are in the snapshot, so
     * nothing the snapshot holds is lost; what is lost is the record itself. Dropping it alone
     * would be wrong: the next record would take its position and serial, which the snapshot
     * claims to cover, and a later recovery would skip it. So:
     * <ol>
     *   <li>every older base is retired ({@link BaseState#retireOlderThan}): replaying onto
     *       one would need the lost record;</li>
     *   <li>the torn record is dropped and moved aside, as any torn tail
     *       ({@code aof-load-truncated}); refused when that is no;</li>
     *   <li>a stand-in ({@code LOST}, no commands, the torn record's serial) is written at its
     *       position and synced: the base covers it, so the next record gets the position and
     *       serial after it, a later recovery replays from there, and replication finds the
     *       snapshot's record where it looks for it. Replay from before the stand-in, and a
     *       replica that would continue through it, refuse (a full resync).</li>
     * </ol>
     * Each step can be run again: a crash in between is finished by the next recovery.
     */
    private LostBase continueAfterLostBase(long position, long serialBefore, Damage damage) throws IOException {
        String reason = damage != null ? damage.reason
                : "the record at position " + LogFiles.describe(position) + " cannot be read";
        if (serialBefore < 0) {
            throw new RecoveryException("The log " + aofDir + " cannot be read at position " + LogFiles.describe(position)
                    + " (" + reason + "), the record the snapshot loaded covers last, and the record before it cannot be"
                    + " read either: more than a torn last record is missing, so recovery stops. Check the log with:"
                    + " vellum check-aof " + storeDir);
        }
        if (!options.loadTruncated) {
            throw new RecoveryException(tornTailRefusedMessage(new Damage(position, reason
                    + " (the newest snapshot covers it)", false)));
        }
        if (!options.base.retireOlderThan(position)) {
            throw new RecoveryException("The log " + aofDir + " ends with a torn record at position "
                    + LogFiles.describe(position) + " (" + reason + ") that the snapshot loaded covers; continuing"
                    + " needs the older snapshots retired, which this store's base cannot do. To drop the torn record,"
                    + " move the snapshots away and run: vellum check-aof " + storeDir + " --fix");
        }
        LogRepair.Result cut = LogRepair.truncate(storeDir, position,
                "torn record found on recovery, covered by the newest snapshot: " + reason);
        SingleChronicleQueue queue = LogFiles.openForWrite(aofDir, options.time);
        try {
            queue.refreshDirectoryListing();
            long before = lastRecordPosition(queue);
            if (before >= position || (before >= 0 ? lastSerial(queue) : 0) != serialBefore) {
                throw new RecoveryException("The log " + aofDir + " was cut at position " + LogFiles.describe(position)
                        + " (a torn record the snapshot loaded covers) but its last record is now at "
                        + LogFiles.describe(before) + ", not the one before the cut; recovery stops. The removed part is"
                        + " kept in " + cut.backupDir() + "; check the log with: vellum check-aof " + storeDir);
            }
            long serial = serialBefore + 1;
            writeStandIn(queue, position, serial);
            LOG.warn("The log's last record (position {}, record {}) was torn by a crash after the snapshot covering it"
                    + " was made durable: its effects are in that snapshot, which was loaded; the record itself is"
                    + " lost (kept, torn, in {}). A stand-in took its place, so the log continues with record {};"
                    + " older snapshots were retired (they would need it replayed), and a replica that has not applied"
                    + " record {} gets a full resync.", LogFiles.describe(position), serial, cut.backupDir(), serial + 1,
                    serial);
            return new LostBase(queue, serial);
        } catch (IOException | RuntimeException | Error e) {
            queue.close();
            throw e;
        }
    }

    /**
     * The serial of the record just before {@code position} (0: none, the log starts there), or
     * -1 when that record cannot be read: the one before it in its file, or the last of the
     * previous file when {@code position} is the first of its file.
     */
    static long serialBefore(SingleChronicleQueue queue, long position) {
        try (LogScanner s = new LogScanner(queue)) {
            long seq = LogFiles.sequenceOf(position);
            if (seq > 0) {
                return s.seekTo(position - 1) && s.next() && s.position() == position - 1 ? s.serial() : -1;
            }
            int cycle = LogFiles.cycleOf(position);
            int first = queue.firstCycle();
            if (first == Integer.MAX_VALUE || first >= cycle) {
                return 0;
            }
            java.util.List<Long> cycles = new java.util.ArrayList<>(queue.listCyclesBetween(first, cycle - 1));
            for (int i = cycles.size() - 1; i >= 0; i--) {
                if (!s.seekCycle(cycles.get(i).intValue())) {
                    continue;
                }
                long serial = -1;
                try {
                    while (s.next() && LogFiles.cycleOf(s.position()) == cycles.get(i)) {
                        serial = s.serial();
                    }
                } catch (LogDamageException e) {
                    if (LogFiles.cycleOf(e.position()) == cycles.get(i)) {
                        return -1; // damaged before the end of its file
                    }
                }
                if (serial >= 0) {
                    return serial;
                }
            }
            return 0;
        } catch (LogDamageException | RuntimeException e) {
            return -1;
        }
    }

    /** Writes the stand-in for a lost record at {@code position} and syncs it. */
    private void writeStandIn(SingleChronicleQueue queue, long position, long serial) throws IOException {
        Path file = aofDir.resolve(LogFiles.cycleFileName(LogFiles.cycleOf(position)));
        boolean existed = Files.exists(file);
        UnitRecord standIn = new UnitRecord(UnitRecord.Kind.LOST, 0, 2, options.time.currentTimeMillis() * 1000, 0,
                java.util.List.of(), 0);
        RecordCodec codec = new RecordCodec();
        int n = codec.encode(standIn, serial);
        Bytes<byte[]> bytes = Bytes.allocateElasticOnHeap(n);
        try (ExcerptAppender appender = queue.createAppender()) {
            bytes.write(codec.buffer(), 0, n);
            ((InternalAppender) appender).writeBytes(position, bytes);
        } finally {
            bytes.releaseLast();
        }
        queue.refreshDirectoryListing();
        if (lastRecordPosition(queue) != position) {
            throw new RecoveryException("writing the stand-in for the torn record at position "
                    + LogFiles.describe(position) + " put it at " + LogFiles.describe(lastRecordPosition(queue)));
        }
        LogFiles.syncFile(file);
        if (!existed) {
            LogFiles.syncDirectory(aofDir);
        }
    }

    /** The position of the log's last record, -1 for an empty log. */
    static long lastRecordPosition(SingleChronicleQueue queue) {
        try (var tailer = queue.createTailer().direction(net.openhft.chronicle.queue.TailerDirection.BACKWARD).toEnd();
             var dc = tailer.readingDocument()) {
            return dc.isPresent() ? dc.index() : -1;
        }
    }

    private void dropHeaderlessNewestFile() throws IOException {
        java.util.List<Path> files = LogFiles.cycleFiles(aofDir);
        if (files.isEmpty()) {
            return;
        }
        Path newest = files.get(files.size() - 1);
        if (!LogFiles.headerUnfinished(newest)) {
            return;
        }
        String name = newest.getFileName().toString();
        long position = LogFiles.position(LogFiles.cycleOfFileName(name), 0);
        String reason = "the newest file " + name + " has no finished header (the process died creating it)";
        if (!options.loadTruncated) {
            throw new RecoveryException(tornTailRefusedMessage(new Damage(position, reason, false)));
        }
        LogRepair.Result cut = LogRepair.truncate(storeDir, position, "torn tail found on recovery: " + reason);
        LOG.warn("The log ended with a torn file (a crash cut it): dropped {}; it held no record. Kept in {}", name,
                cut.backupDir());
    }

    /** The serial of the log's last record (0 for an empty log: serials start at 1). */
    static long lastSerial(SingleChronicleQueue queue) throws RecoveryException {
        try (var tailer = queue.createTailer().direction(net.openhft.chronicle.queue.TailerDirection.BACKWARD).toEnd();
             var dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return 0;
            }
            var b = dc.wire().bytes();
            byte[] raw = new byte[(int) b.readRemaining()];
            b.read(raw);
            long[] serial = new long[1];
            RecordCodec.decode(raw, 0, raw.length, serial);
            return serial[0];
        } catch (DamagedRecordException | RuntimeException | AssertionError e) {
            // Chronicle itself can fail (or assert) walking to the end of a damaged cycle file.
            throw new RecoveryException("the log's last record cannot be read (" + e.getMessage() + "): check and repair"
                    + " the log with: vellum check-aof " + queue.file().getParentFile() + " --fix");
        }
    }

    /** Where and why the log cannot be read to its end. */
    record Damage(long position, String reason, boolean intactAfter) {
    }

    /** Pass 5's judgement; null when the log ends cleanly. */
    private static Damage judgeEnd(SingleChronicleQueue queue, Replay.Result replay) {
        LogDamageException d = replay.damage();
        if (d != null) {
            return judge(queue, d);
        }
        return cutAfterLastRecord(queue, replay.lastPosition(), replay.lastHeader());
    }

    static Damage judge(SingleChronicleQueue queue, LogDamageException d) {
        boolean intact = d.intactHere() || intactRecordAfter(queue, d.position(), d.fileOffset());
        return new Damage(d.position(), d.reason(), intact);
    }

    /**
     * A clean scan can still end at a cut: a crash that lost the start of the last record
     * (its header reads as zero) leaves Chronicle's write position pointing past the last
     * record read, and a new record would be written beyond a gap no reader crosses. The same
     * holds for a newest cycle file that holds no complete record. If the record at the write
     * position is intact, what stopped the scan is damage in the middle (a damaged header).
     */
    static Damage cutAfterLastRecord(SingleChronicleQueue queue, long lastPosition, long lastHeader) {
        int lastCycle = queue.lastCycle();
        if (lastCycle == Integer.MIN_VALUE || lastCycle < 0) {
            return null;
        }
        if (lastPosition < 0 || LogFiles.cycleOf(lastPosition) < lastCycle) {
            if (!java.nio.file.Files.exists(queue.file().toPath().resolve(LogFiles.cycleFileName(lastCycle)))) {
                return null; // Chronicle's listing names a file that is gone (moved by a repair)
            }
            long p = LogFiles.position(lastCycle, 0);
            return new Damage(p, "the newest file " + LogFiles.cycleFileName(lastCycle) + " holds no complete record",
                    intactRecordAtWritePosition(queue, lastCycle, -1));
        }
        if (lastHeader < 0) {
            // Nothing read after the base (a snapshot's position): what follows is judged from
            // the base record, as a replay that read it would be.
            BaseRecord base = baseRecord(queue, lastPosition);
            lastHeader = base.header();
            if (base.damaged()) {
                lastHeader = -1; // a damaged base cannot be kept by a cut after it: judged as unreadable
            }
            if (lastHeader < 0) {
                // The base record itself cannot be read: the records after it are lost to the scan
                // (an intact last record, or anything written after a damaged base). Refused.
                if (intactRecordAtWritePosition(queue, lastCycle, -1)
                        || (base.damaged() && dataAfter(queue, lastCycle, base.header()))) {
                    return new Damage(lastPosition + 1, "the record at position " + LogFiles.describe(lastPosition)
                            + " (the base the log is replayed onto) cannot be read, so the records after it cannot"
                            + " be found", true);
                }
                return null;
            }
        }
        SingleChronicleQueueStore store = queue.storeForCycle(lastCycle, queue.epoch(), false, null);
        if (store == null) {
            return null;
        }
        long wp;
        int header;
        try {
            wp = store.writePosition();
            if (wp <= lastHeader) {
                return null;
            }
            header = LogFiles.readInt(store, wp);
            if (header != 0 && Wires.isReadyMetaData(header)) {
                return null;
            }
        } finally {
            queue.closeStore(store);
        }
        return new Damage(lastPosition + 1, "the record after position " + lastPosition
                + " cannot be read (its header at byte " + wp + " of " + LogFiles.cycleFileName(lastCycle) + " reads "
                + String.format("%08x", header) + ")", intactRecordAtWritePosition(queue, lastCycle, lastHeader));
    }

    /**
     * Where a record's Chronicle header starts in its file (-1: not found), whether its content
     * is damaged, and its serial (-1: not read whole).
     */
    record BaseRecord(long header, boolean damaged, long serial) {
    }

    static BaseRecord baseRecord(SingleChronicleQueue queue, long position) {
        try (LogScanner s = new LogScanner(queue)) {
            if (!s.seekTo(position)) {
                return new BaseRecord(-1, false, -1);
            }
            try {
                boolean read = s.next() && s.position() == position;
                return new BaseRecord(read ? s.headerOffset() : -1, false, read ? s.serial() : -1);
            } catch (LogDamageException e) {
                // its content is damaged but Chronicle framed it: the header is where the scan stopped
                return new BaseRecord(e.position() == position && s.position() == position ? s.headerOffset() : -1, true,
                        -1);
            }
        }
    }

    /** Whether Chronicle's write position in {@code cycle} lies past {@code offset} (something was written after it). */
    static boolean dataAfter(SingleChronicleQueue queue, int cycle, long offset) {
        SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null) {
            return false;
        }
        try {
            return store.writePosition() > offset;
        } finally {
            queue.closeStore(store);
        }
    }

    /** Whether any intact record follows the damaged one at {@code position} (at {@code offset} in its file). */
    static boolean intactRecordAfter(SingleChronicleQueue queue, long position, long offset) {
        try (LogScanner s = new LogScanner(queue)) {
            // Go on reading where Chronicle's framing still holds.
            long seen = position;
            try {
                s.seekAfter(position);
            } catch (LogDamageException e) {
                seen = Long.MAX_VALUE;
            }
            for (int i = 0; i < 1_000_000 && seen != Long.MAX_VALUE; i++) {
                try {
                    if (s.next()) {
                        return true;
                    }
                    break;
                } catch (LogDamageException e) {
                    // (a doubt about the framing can name the position after the last record)
                    if (e.intactHere() && recordAt(queue, e.position())) {
                        return true;
                    }
                    if (e.position() <= seen) {
                        break;
                    }
                    seen = e.position();
                }
            }
            // Later records of the same file, found through Chronicle's index.
            for (long k = 1; k > 0 && k < (1L << 34); k <<= 1) {
                long p = position + k;
                if (LogFiles.cycleOf(p) != LogFiles.cycleOf(position) || !s.seekTo(p)) {
                    break;
                }
                try {
                    if (s.next()) {
                        return true;
                    }
                } catch (LogDamageException e) {
                    // still damaged here: look further
                }
            }
            // Later files.
            int cycle = LogFiles.cycleOf(position);
            int last = queue.lastCycle();
            if (last > cycle) {
                for (long c : queue.listCyclesBetween(cycle + 1, last)) {
                    if (s.seekCycle((int) c)) {
                        try {
                            if (s.next()) {
                                return true;
                            }
                        } catch (LogDamageException e) {
                            // this file starts damaged too
                        }
                    }
                }
                return false;
            }
        }
        // The last record written, where Chronicle's write position says it is.
        return intactRecordAtWritePosition(queue, LogFiles.cycleOf(position), offset);
    }

    /**
     * Whether Chronicle holds a record at {@code position}. A scanner that walked past a damaged
     * record without an intact one to anchor its framing says so at the next position, which is
     * past the end when the damaged record was the last (a new log's first record, torn).
     */
    private static boolean recordAt(SingleChronicleQueue queue, long position) {
        try (LogScanner s = new LogScanner(queue)) {
            return s.seekTo(position);
        }
    }

    /** Whether the record at {@code cycle}'s write position lies after {@code offset} and is intact. */
    static boolean intactRecordAtWritePosition(SingleChronicleQueue queue, int cycle, long offset) {
        SingleChronicleQueueStore store;
        try {
            store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        } catch (RuntimeException | Error e) {
            return false;
        }
        if (store == null) {
            return false;
        }
        try {
            long wp = store.writePosition();
            if (wp <= offset) {
                return false;
            }
            int header = LogFiles.readInt(store, wp);
            if (!Wires.isReadyData(header)) {
                return false;
            }
            int len = Wires.lengthOf(header);
            if (len <= 0 || len > (64 << 20)) {
                return false;
            }
            byte[] b = LogFiles.read(store, wp + 4, len);
            RecordCodec.decode(b, 0, len);
            return true;
        } catch (DamagedRecordException | RuntimeException | Error e) {
            return false;
        } finally {
            queue.closeStore(store);
        }
    }

    /**
     * Chronicle could not read a cycle file's own header (its index layout, its write
     * position): damage outside any record, found by the damage property with one flipped
     * byte. No record position can be named and no cut at a record repairs it.
     */
    private String unreadableFileMessage(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return "The log " + aofDir + " cannot be read: a file's header (outside any record) is damaged (" + root
                + "), so recovery stops. vellum check-aof " + storeDir + " reports what can be read; a cut at a"
                + " record (check-aof --fix) cannot repair a header. Restore the log directory from a copy, or move"
                + " it aside to start from the newest snapshot alone (the writes after that snapshot are then lost)";
    }

    private String middleDamageMessage(Damage d) {
        return "The log " + aofDir + " is damaged at position " + LogFiles.describe(d.position) + ": " + d.reason
                + ". Intact records follow it, so this is not a torn tail and recovery stops rather than drop them."
                + " To truncate the log there (the removed part is kept in " + storeDir + "/aof-removed-*), run:"
                + " vellum check-aof " + storeDir + " --fix";
    }

    private String tornTailRefusedMessage(Damage d) {
        return "The log " + aofDir + " ends with a torn record at position " + LogFiles.describe(d.position) + ": "
                + d.reason + ". aof-load-truncated is no, so recovery stops. To drop the torn tail, run:"
                + " vellum check-aof " + storeDir + " --fix (or start with aof-load-truncated yes)";
    }
}
