package io.vellum.aof;

import io.vellum.core.config.StoreConfig;
import io.vellum.core.engine.Engine;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.LogWriteException;
import io.vellum.core.spi.UnitRecord;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import net.openhft.chronicle.core.io.BackgroundResourceReleaser;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's append-only log on Chronicle Queue (DESIGN.md, "The log"): one protobuf record
 * per write unit ({@link RecordCodec}), in {@code <dir>/aof/} ({@link LogFiles}), synced as
 * {@code appendfsync} says ({@link FsyncPolicy}), recovered on open ({@link Recovery}).
 *
 * <p><b>Invariants.</b> A unit's reply is released only after its record was appended (the
 * engine does that); with {@code always}, only after the batch's records were synced, once per
 * batch. A record is written whole or not at all: disk space is reserved ahead
 * ({@link SpaceReservation}) so a full disk refuses writes before a record is half-written.
 *
 * <p><b>Failure.</b> When reserving space, appending or syncing fails, the log turns
 * <em>failed</em>: write commands get {@code -MISCONF Errors writing to the AOF file: <cause>},
 * reads keep working, INFO shows {@code aof_last_write_status:err}. Records that fit the space
 * still reserved are still appended (active expiry, blocked clients served); the reservation
 * is extended early, so a filling disk normally refuses writes before any record fails. Every
 * second the engine retries: reserve space again, sync everything written, and only then accept
 * writes. Nothing acknowledged is lost: a unit is acknowledged only after its record was
 * appended (and, with {@code always}, synced).
 *
 * <p>If a unit's record could not be appended after all (a record larger than the space left,
 * an I/O error inside Chronicle), memory holds an effect the log lacks. Such a unit is not
 * acknowledged (the engine replaces its reply with the error) and the dataset is rebuilt from
 * disk right away, before the engine runs anything else: the {@link BaseState} plus a replay of
 * the log (if the log cannot be read back, the retry does it before writes resume). So memory
 * never holds an effect the log does not, once writes resume, and replicas and restarts see
 * what clients saw. A failed sync needs no rebuild: its records are in the log, only their
 * replies turned into errors (like a timeout, the client cannot know whether they happened).
 *
 * <p><b>Threads.</b> {@link #append}, {@link #commit} and the retry run on the engine thread
 * (or the opening thread before the engine starts); {@code everysec} syncs on a background
 * thread of its own ({@link BackgroundSync}); {@link #failed}, {@link #failureReply} and
 * {@link #info} may be read from any thread.
 */
public final class AppendOnlyLog implements CommandLog {
    private static final Logger LOG = LoggerFactory.getLogger(AppendOnlyLog.class);
    /**
     * Room kept beyond a record: Chronicle writes its index arrays (32 KiB) at the write
     * position. The reservation is extended while more than this plus half a chunk is left,
     * so a full disk is noticed (and writes refused) while records still fit.
     */
    private static final long SLACK = 72 * 1024;
    /**
     * The always commit writes the batch's bytes to the {@link CommitJournal} (the default);
     * {@code -Dvellum.aof.commitJournal=false} msyncs them in the cycle file instead (for A/B
     * measurements of the two).
     */
    private static final boolean USE_JOURNAL = !"false".equals(System.getProperty("vellum.aof.commitJournal"));

    private final Engine engine;
    private final AofOptions options;
    private final Path aofDir;
    private final DirectoryLock lock;
    private final RecordCodec codec = new RecordCodec();
    private final FileSyncer syncer;
    private final MappingAdvice mappingAdvice = new MappingAdvice();
    private final SpaceReservation reservation;
    private final BackgroundSync background;
    private SingleChronicleQueue queue;
    private ExcerptAppender appender;
    private volatile FsyncPolicy policy;
    private volatile boolean enabled = true;
    private long skippedWhileDisabled;
    private long lastPosition;
    private long nextSerial;
    private long endOffset;
    private int cycle = Integer.MIN_VALUE;
    private int knownLastCycle = Integer.MIN_VALUE;
    private volatile long size;
    private volatile long appendedRecords;
    private volatile long rebuilds;
    /** The serial of the last record appended, and of the last one known synced (replication acks, WAITAOF). */
    private volatile long appendedSerial;
    private volatile long syncedSerial;

    // failure state
    private volatile boolean failed;
    private volatile String failureReply = "MISCONF Errors writing to the AOF file";
    private volatile String lastError = "";
    private boolean mustRebuild;
    private boolean appenderBroken;
    private boolean retrying;
    private volatile boolean closed;
    private volatile Runnable batchAppended = () -> {
    };

    AppendOnlyLog(Engine engine, AofOptions options, DirectoryLock lock, SingleChronicleQueue queue,
                  long lastPosition, long lastSerial, long size) throws IOException {
        this.engine = engine;
        this.options = options;
        this.aofDir = LogFiles.aofDir(options.storeDir);
        this.lock = lock;
        this.queue = queue;
        this.lastPosition = lastPosition;
        this.nextSerial = lastSerial + 1;
        this.appendedSerial = lastSerial;
        this.syncedSerial = lastSerial;
        this.size = size;
        this.policy = options.fsync;
        this.syncer = new FileSyncer(aofDir);
        if (USE_JOURNAL) {
            try {
                syncer.useJournal(CommitJournal.open(options.storeDir));
            } catch (IOException e) {
                // a full disk: the store still starts, and always syncs the log's own pages (slower)
                LOG.warn("No commit journal ({}): appendfsync always msyncs the log's pages instead", e.getMessage());
                java.nio.file.Files.deleteIfExists(CommitJournal.path(options.storeDir));
            }
        }
        this.reservation = new SpaceReservation(options.reserveBytes);
        openAppender();
        this.background = new BackgroundSync(this);
    }

    /**
     * Opens the log of {@code options.storeDir()}: locks the directory, recovers (replays every
     * record after the base into {@code engine}), then installs itself as the engine's log.
     * Call before {@link Engine#start()}.
     *
     * @throws IOException when the directory is locked by someone else, the log is damaged in
     *                     a way recovery must not repair by itself, or replay diverged (the
     *                     message says what to do)
     */
    public static AppendOnlyLog open(Engine engine, AofOptions options) throws IOException {
        DirectoryLock lock = DirectoryLock.acquire(options.storeDir);
        AppendOnlyLog log;
        try {
            log = new Recovery(engine, options, lock).run();
        } catch (IOException | RuntimeException | Error e) {
            lock.close();
            throw e;
        }
        engine.setLog(log);
        engine.addCron(1000, log::retryIfFailed);
        StoreConfig config = engine.config();
        config.appendfsync.onChange(v -> log.setPolicy(FsyncPolicy.parse(v)));
        config.appendonly.onChange(log::setEnabled);
        log.background.start();
        return log;
    }

    // ------------------------------------------------------------------ the engine's calls

    @Override
    public long append(UnitRecord record) {
        if (!enabled) {
            skippedWhileDisabled++;
            return -1;
        }
        if (appenderBroken) {
            mustRebuild = true;
            throw new LogWriteException(failureReply, null);
        }
        int n = codec.encode(record, nextSerial);
        return write(codec.buffer(), 0, n);
    }

    /**
     * A replica's copy of its primary's record: when {@code serial} is this log's next, the
     * primary's bytes go to the log as they are (the reader checked them: checksum, framing,
     * serial; they are the encoding of {@code record} under {@code serial}), else the record is
     * encoded ({@link #append}) and the caller finds the serials out of step.
     */
    @Override
    public long appendStored(UnitRecord record, long serial, byte[] stored, int off, int len) {
        if (serial != nextSerial || !enabled || appenderBroken) {
            return append(record);
        }
        return write(stored, off, len);
    }

    /** Appends the encoded record {@code b[off, off + n)}, this log's record number {@code nextSerial}. */
    private long write(byte[] b, int off, int n) {
        String noSpace = reservation.ensure(endOffset + n + SLACK);
        if (noSpace != null) {
            fail("no room for a record: " + noSpace, null);
            // The unit ran but its record is not written: put memory back to what the log
            // holds before anything else runs (the engine turns its reply into the error).
            mustRebuild = true;
            if (!retrying) {
                rebuild();
            }
            throw new LogWriteException(failureReply, null);
        }
        try (DocumentContext dc = appender.writingDocument()) {
            try {
                dc.wire().bytes().write(b, off, n);
            } catch (RuntimeException | Error e) {
                dc.rollbackOnClose();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            appenderBroken = true;
            mustRebuild = true;
            fail("appending a record failed: " + e, e);
            throw new LogWriteException(failureReply, e);
        }
        appendedSerial = nextSerial++;
        lastPosition = appender.lastIndexAppended();
        endOffset = appender.wire().bytes().writePosition();
        mappingAdvice.adviseChunk(appender.wire().bytes().bytesStore());
        size += n + 4;
        appendedRecords++;
        syncer.appended(endOffset);
        if (appender.cycle() != cycle) {
            onNewCycle();
        }
        if (reservation.headroom(endOffset) < reservation.chunk() / 2 + SLACK) {
            String err = reservation.ensure(endOffset + reservation.chunk());
            if (err != null && !failed) {
                // The record is written; the units still running fit the space left.
                fail("cannot reserve disk space for the log: " + err, null);
            }
        }
        return lastPosition;
    }

    /**
     * Runs {@code listener} on the committing thread each time the engine commits a batch that
     * appended records, before they are synced: they can be read from the files now (replication
     * streams them without polling the files).
     */
    public void onBatchAppended(Runnable listener) {
        this.batchAppended = listener;
    }

    @Override
    public void commit() {
        try {
            batchAppended.run();
        } catch (RuntimeException e) {
            LOG.warn("a listener of appended records failed", e); // never the commit's business
        }
        if (policy != FsyncPolicy.ALWAYS || !syncer.pending()) {
            return;
        }
        try {
            long upTo = appendedSerial;
            syncer.syncRecords();
            syncedSerial = upTo;
        } catch (IOException | RuntimeException e) {
            fail("fsync failed: " + e.getMessage(), e);
            throw new LogWriteException(failureReply, e);
        }
    }

    @Override
    public long lastPosition() {
        return lastPosition;
    }

    @Override
    public void sync() throws IOException {
        syncer.sync();
    }

    /**
     * Retention: deletes the cycle files before the one holding {@code position} (every record
     * in them is at or before it), never the file the appender writes to. Engine thread.
     */
    private static final boolean KEEP_LOG = Boolean.getBoolean(AofOptions.TEST_KEEP_LOG);

    @Override
    public int releaseCoveredBy(long position) {
        if (position < 0 || queue == null || KEEP_LOG) {
            return 0;
        }
        int keepFrom = Math.min(LogFiles.cycleOf(position), cycle == Integer.MIN_VALUE ? Integer.MAX_VALUE : cycle);
        int deleted = 0;
        try {
            // Cycle file names sort as their cycles do.
            String firstKept = LogFiles.cycleFileName(keepFrom);
            for (Path p : LogFiles.cycleFiles(aofDir)) {
                if (p.getFileName().toString().compareTo(firstKept) >= 0) {
                    continue;
                }
                long bytes = java.nio.file.Files.size(p);
                java.nio.file.Files.deleteIfExists(p);
                size = Math.max(0, size - bytes);
                deleted++;
                LOG.info("Retention: deleted log file {} (every record in it is covered by a kept snapshot at position {})",
                        p.getFileName(), LogFiles.describe(position));
            }
            if (deleted > 0) {
                LogFiles.syncDirectory(aofDir);
                queue.refreshDirectoryListing();
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Retention: deleting log files covered by position {} failed: {}", position, e.toString());
        }
        return deleted;
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public boolean failed() {
        return failed;
    }

    @Override
    public String failureReply() {
        return failureReply;
    }

    /**
     * A replica's full resync: drops every record of the log (its files are deleted) and starts
     * it again so that the next record appended gets serial {@code lastSerial + 1}, continuing
     * the numbering of the primary whose snapshot replaced the dataset. The caller then appends
     * the record the snapshot ends with and takes a snapshot covering it, so a restart loads
     * that snapshot and replays the records after it. Engine thread.
     */
    public void restartAt(long lastSerial) throws IOException {
        closeQueue();
        syncer.forgetFiles();
        for (Path p : LogFiles.cycleFiles(aofDir)) {
            java.nio.file.Files.deleteIfExists(p);
        }
        java.nio.file.Files.deleteIfExists(aofDir.resolve(SingleChronicleQueue.QUEUE_METADATA_FILE));
        LogFiles.syncDirectory(aofDir);
        queue = LogFiles.openForWrite(aofDir, options.time);
        openAppender();
        appenderBroken = false;
        nextSerial = lastSerial + 1;
        appendedSerial = lastSerial;
        syncedSerial = lastSerial;
        lastPosition = -1;
        size = 0;
        LOG.warn("The log was dropped for a full resync: it continues with record {}", nextSerial);
    }

    // ------------------------------------------------------------------ files

    /**
     * Opens the appender and takes over the cycle file it continues (the last one), if any:
     * tracked for syncing, with space reserved after its last record.
     */
    private void openAppender() {
        appender = queue.createAppender();
        cycle = Integer.MIN_VALUE;
        endOffset = 0;
        reservation.close();
        int last = queue.lastCycle();
        knownLastCycle = last;
        if (last != Integer.MIN_VALUE && last >= 0) {
            Path p = aofDir.resolve(LogFiles.cycleFileName(last));
            if (java.nio.file.Files.exists(p)) {
                cycle = last;
                endOffset = LogFiles.endOfData(queue, last);
                takeOver(p, false);
            }
        }
        // Units run on the engine thread or on a network thread holding the engine (Engine's
        // owner lock), one at a time: the lock orders every use of the appender, so
        // Chronicle's same-thread check would only refuse a correct hand-over.
        appender.singleThreadedCheckDisabled(true);
    }

    /** The appender writes to a cycle file it did not write to before. */
    private void onNewCycle() {
        cycle = appender.cycle();
        File f = appender.currentFile();
        if (f == null) {
            return;
        }
        boolean created = cycle > knownLastCycle;
        knownLastCycle = Math.max(knownLastCycle, cycle);
        if (created) {
            LOG.info("The log continues in a new file: {}", f.getName());
        }
        takeOver(f.toPath(), created);
    }

    private void takeOver(Path p, boolean created) {
        try {
            syncer.fileAppeared(p, created);
        } catch (IOException e) {
            fail("cannot open " + p + " to sync it: " + e.getMessage(), e);
        }
        String err = reservation.switchTo(p);
        if (err == null) {
            err = reservation.ensure(endOffset + reservation.chunk());
        }
        if (err != null) {
            fail("cannot reserve disk space for the log: " + err, null);
        }
    }

    // ------------------------------------------------------------------ failure and retry

    private synchronized void fail(String cause, Throwable e) {
        lastError = cause;
        failureReply = "MISCONF Errors writing to the AOF file: " + cause;
        if (!failed) {
            failed = true;
            LOG.error("The log failed; writes are refused until it works again: {}", cause, e);
        }
    }

    /** A background sync failed (everysec): same handling as a failed commit. */
    void backgroundSyncFailed(IOException e) {
        fail("background fsync failed: " + e.getMessage(), e);
    }

    /** Engine thread, every second: when failed, try to make the log work again. */
    private void retryIfFailed() {
        if (!failed || closed || retrying) {
            return;
        }
        retrying = true;
        try {
            if (tryRecover()) {
                synchronized (this) {
                    failed = false;
                }
                LOG.warn("The log works again: writes are accepted");
            }
        } finally {
            retrying = false;
        }
    }

    private boolean tryRecover() {
        try {
            if (appenderBroken) {
                closeQueue();
                queue = LogFiles.openForWrite(aofDir, options.time);
                openAppender();
                appenderBroken = false;
            }
            String err = reservation.ensure(endOffset + reservation.chunk());
            if (err != null) {
                lastError = "cannot reserve disk space for the log: " + err;
                return false;
            }
            syncer.sync();
            return !mustRebuild || rebuild();
        } catch (IOException | RuntimeException | Error e) {
            lastError = "retry failed: " + e;
            LOG.debug("log retry failed", e);
            return false;
        }
    }

    /**
     * Rebuilds the dataset from disk: the base, then every record of the log. Engine thread.
     * Returns false (and stays failed) when the log cannot be read back.
     */
    private boolean rebuild() {
        LOG.warn("Rebuilding the dataset from the log: a unit's record could not be written, so memory"
                + " holds an effect the log lacks");
        try {
            BaseState.Base base = options.base.load(engine);
            Replay.Result r = Replay.run(queue, engine, base.position(), base.serial(), options.progress);
            if (r.damage() != null) {
                lastError = "the log cannot be read back: " + r.damage().getMessage();
                LOG.error("Rebuilding the dataset failed: {}", lastError);
                return false;
            }
            mustRebuild = false;
            rebuilds++;
            LOG.warn("Rebuilt the dataset from the log: {} records", r.records());
            return true;
        } catch (RuntimeException | Error e) {
            lastError = "rebuilding the dataset from the log failed: " + e;
            LOG.error("Rebuilding the dataset failed", e);
            return false;
        }
    }

    // ------------------------------------------------------------------ configuration

    /** CONFIG SET appendfsync. */
    public void setPolicy(FsyncPolicy p) {
        policy = p;
        background.wake();
    }

    public FsyncPolicy policy() {
        return policy;
    }

    /**
     * CONFIG SET appendonly. Turned off, units are no longer logged. Turned back on after
     * units were skipped, the log lacks their effects and cannot be continued: writes are
     * refused until a rewrite (BGREWRITEAOF, which needs the snapshot store) or a restart.
     */
    private void setEnabled(boolean on) {
        engine.execute(() -> {
            if (on == enabled) {
                return;
            }
            enabled = on;
            if (on && skippedWhileDisabled > 0) {
                fail("appendonly was off for " + skippedWhileDisabled + " write units: the log lacks them"
                        + " and needs a rewrite (BGREWRITEAOF needs the snapshot store)", null);
                mustRebuild = false;
            }
        });
    }

    boolean syncPending() {
        return syncer.pending();
    }

    /**
     * The background syncer's question, once a second: under everysec, were records appended
     * since the last sync; under always, does the commit journal hold ranges that a whole-file
     * sync of the cycle files should now cover (so that it can start over).
     */
    boolean backgroundSyncDue() {
        FsyncPolicy p = policy;
        return (p == FsyncPolicy.EVERYSEC && syncer.pending()) || (p == FsyncPolicy.ALWAYS && syncer.journaled());
    }

    /** The background syncer's sync: everysec's, or under always the whole sync that lets the commit journal start over. */
    void backgroundSync() throws IOException {
        if (policy == FsyncPolicy.ALWAYS) {
            syncer.syncBehindJournal(); // the commits count what is synced: they went to the journal
        } else {
            syncAndNote();
        }
    }

    private void syncAndNote() throws IOException {
        long upTo = appendedSerial;
        syncer.sync();
        syncedSerial = upTo;
    }

    /**
     * The serial of the last record appended: records are numbered 1, 2, 3... with no gap, so
     * this is also how many records the log holds since it began (replication's offset). Any thread.
     */
    @Override
    public long lastSerial() {
        return appendedSerial;
    }

    /**
     * The serial up to which records are on disk as the fsync policy counts it: synced for
     * {@code always} and {@code everysec}; written for {@code no}, which leaves syncing to the
     * OS (as Redis counts its fsynced offset then). Any thread.
     */
    public long syncedSerial() {
        return policy == FsyncPolicy.NO ? appendedSerial : syncedSerial;
    }

    // ------------------------------------------------------------------ INFO

    /** INFO persistence's log fields, named as Redis names them, plus a few of Vellum's. */
    public Map<String, String> info() {
        Map<String, String> m = new LinkedHashMap<>(options.progress.info());
        m.put("aof_enabled", enabled ? "1" : "0");
        m.put("aof_rewrite_in_progress", "0");
        m.put("aof_rewrite_scheduled", "0");
        m.put("aof_last_rewrite_time_sec", "-1");
        m.put("aof_current_rewrite_time_sec", "-1");
        m.put("aof_last_bgrewrite_status", "ok");
        m.put("aof_rewrites", "0");
        m.put("aof_rewrites_consecutive_failures", "0");
        m.put("aof_last_write_status", failed ? "err" : "ok");
        m.put("aof_last_cow_size", "0");
        m.put("aof_current_size", Long.toString(size));
        m.put("aof_base_size", "0");
        m.put("aof_pending_rewrite", "0");
        m.put("aof_buffer_length", "0");
        m.put("aof_pending_bio_fsync", syncer.pending() && policy == FsyncPolicy.EVERYSEC ? "1" : "0");
        m.put("aof_delayed_fsync", "0");
        m.put("aof_fsync_policy", policy.configText());
        m.put("aof_last_position", Long.toString(lastPosition));
        m.put("aof_last_fsync_time", Long.toString(syncer.lastSyncMillis() / 1000));
        m.put("aof_last_write_error", failed ? lastError : "");
        m.put("aof_rebuilds", Long.toString(rebuilds));
        return m;
    }

    public Path directory() {
        return aofDir;
    }

    /** How often the dataset was rebuilt from disk after a record could not be written. */
    public long rebuilds() {
        return rebuilds;
    }

    /** Records appended since open. */
    public long appendedRecords() {
        return appendedRecords;
    }

    // ------------------------------------------------------------------ closing

    /** Syncs what was appended and closes the files (after the engine stopped). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        background.stop();
        if (!appenderBroken) {
            try {
                syncer.sync();
            } catch (IOException | RuntimeException e) {
                LOG.error("The log's final sync failed: the last records may not be on disk", e);
            }
        }
        closeQueue();
        syncer.close();
        reservation.close();
        // Chronicle unmaps files on a background thread: wait, so that the files are released
        // when close returns (a reopen, an unmount, a copy see them closed).
        BackgroundResourceReleaser.releasePendingResources();
        lock.close();
    }

    private void closeQueue() {
        try {
            if (appender != null) {
                appender.singleThreadedCheckReset();
                appender.close();
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("closing the log's appender failed", e);
        }
        appender = null;
        try {
            if (queue != null) {
                queue.close();
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("closing the log's queue failed", e);
        }
        queue = null;
    }
}
