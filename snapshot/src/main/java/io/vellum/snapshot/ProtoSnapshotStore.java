package io.vellum.snapshot;

import io.vellum.core.command.CommandGroup;
import io.vellum.core.config.SavePoints;
import io.vellum.core.engine.Engine;
import io.vellum.core.engine.InfoSection;
import io.vellum.core.spi.ScriptStateProvider;
import io.vellum.core.spi.SnapshotStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's snapshots in {@code <dir>/snapshots/} (format: {@code snapshot.proto}): SAVE,
 * BGSAVE, LASTSAVE and BGREWRITEAOF, the {@code save} points and the automatic log rewrite,
 * retention, INFO persistence's rdb_* fields, loading on open ({@link #load}).
 *
 * <p><b>One snapshot at a time</b> ({@link SnapshotJob}); a BGSAVE SCHEDULE or BGREWRITEAOF
 * asked for while one runs starts when it ends, as Redis schedules them behind its child.
 *
 * <p><b>Retention.</b> Once a snapshot is durable, the newest two are kept and older ones
 * deleted, and the log deletes its files wholly covered by the older of the two: a damaged
 * newest snapshot still recovers from the one before it plus the log after it.
 *
 * <p><b>Threads.</b> Commands, the cron and completion run on the engine thread; the file I/O of
 * a snapshot on its writer's thread; INFO fields are read from volatile fields.
 */
public final class ProtoSnapshotStore implements SnapshotStore {
    private static final Logger LOG = LoggerFactory.getLogger(ProtoSnapshotStore.class);
    /** Redis's CONFIG_BGSAVE_RETRY_DELAY: after a failed BGSAVE, save points wait this long. */
    private static final long RETRY_DELAY_MILLIS = 5000;
    /** Snapshots kept by retention: the newest and the one before it. */
    static final int KEEP = 2;

    private final Path dir;
    private long sliceNanos = TimeUnit.MICROSECONDS.toNanos(250);
    private ScriptStateProvider scripts;
    private final LoadProgress progress = new LoadProgress();
    private Engine engine;

    private SnapshotJob job;
    /** job != null, readable from any thread. */
    private volatile boolean running;
    private volatile long lastCopiedKeys;
    private volatile boolean jobIsRewrite;
    private boolean bgsaveScheduled;
    private volatile boolean rewriteScheduled;

    private volatile long lastSaveMillis = System.currentTimeMillis();
    private volatile boolean lastBgsaveOk = true;
    private volatile long lastBgsaveTimeSec = -1;
    private long lastBgsaveTryMillis;
    private volatile long dirtyAtLastSave;
    private volatile long saves;
    private volatile long lastCowBytes;
    private volatile long lastLoadKeys;
    private volatile long rewrites;
    private volatile long lastRewriteTimeSec = -1;
    private volatile boolean lastRewriteOk = true;
    private volatile long rewriteBaseSize;
    private volatile Path lastFile;
    /** The snapshot {@link #load} loaded last, and the position it covers. */
    private Path loaded;
    private long loadedPosition = -1;
    /** The serial of the log record at {@link #loadedPosition} (the header's base_serial); 0: unknown. */
    private long loadedSerial;
    /** SHUTDOWN NOSAVE: the close that follows takes no snapshot either. */
    private boolean noSaveOnClose;

    /** Snapshots of the store kept in {@code storeDir} (in {@code storeDir/snapshots}). */
    public ProtoSnapshotStore(Path storeDir) {
        this.dir = SnapshotFormat.directory(storeDir);
    }

    /**
     * How long one slice of a BGSAVE may run between units while none waits; default 250 µs.
     * A slice ends early (after a few keys) as soon as a unit waits, so this bounds the delay
     * of the units that arrive during a slice only on an engine too busy to look.
     */
    public ProtoSnapshotStore sliceMicros(long micros) {
        this.sliceNanos = TimeUnit.MICROSECONDS.toNanos(Math.max(1, micros));
        return this;
    }

    /**
     * Where the script cache and function libraries come from and go to; default the engine's
     * scripting engine when it implements {@link ScriptStateProvider}, else none.
     */
    public ProtoSnapshotStore scripts(ScriptStateProvider provider) {
        this.scripts = provider;
        return this;
    }

    public Path directory() {
        return dir;
    }

    @Override
    public CommandGroup commands() {
        return new SnapshotCommands(this);
    }

    @Override
    public void attach(Engine e) {
        this.engine = e;
        if (scripts == null && e.scripting() instanceof ScriptStateProvider p) {
            scripts = p;
        }
        e.setSnapshots(this);
        e.addCron(100, this::cron);
        e.addInfoContributor(this::contribute);
        rewriteBaseSize = e.log().sizeBytes();
    }

    // ------------------------------------------------------------------ loading

    /**
     * Loads the newest intact snapshot into the engine (replacing its dataset) and returns the
     * log position it covers (-1: none, replay everything). The thread that owns the engine.
     */
    public long load(Engine e) {
        SnapshotLoader.Loaded l = SnapshotLoader.loadNewest(e, dir, scripts != null ? scripts
                : e.scripting() instanceof ScriptStateProvider p ? p : null, progress);
        lastLoadKeys = l.keys();
        dirtyAtLastSave = e.dirty();
        loaded = l.file();
        loadedPosition = l.position();
        loadedSerial = l.position() >= 0 ? l.serial() : 0;
        return l.position();
    }

    /**
     * The serial of the log record at the position the last {@link #load} returned (the
     * snapshot header's base_serial): recovery anchors its walk to that record with it. 0 when
     * unknown (a snapshot written before the header held it, or none loaded).
     */
    public long loadedSerial() {
        return loadedSerial;
    }

    /**
     * The log lost its record at {@code position}, which the snapshot {@link #load} loaded last
     * covers (a torn last record: aof Recovery): every other snapshot covering less would need
     * that record replayed, so each is renamed to {@code <name>.retired} and never loaded again
     * (the next retention deletes it). False when the snapshot loaded last does not cover
     * exactly {@code position} (nothing is renamed then).
     */
    public boolean retireOlderThan(long position) {
        if (loaded == null || loadedPosition != position) {
            return false;
        }
        try {
            int n = 0;
            for (Path f : SnapshotFormat.snapshots(dir)) {
                if (f.equals(loaded)) {
                    continue;
                }
                long covered;
                try {
                    covered = SnapshotReader.header(f).getLogPosition();
                } catch (IOException | RuntimeException e) {
                    covered = -2; // unreadable: no use either
                }
                if (covered < position) {
                    Path to = f.resolveSibling(f.getFileName() + SnapshotFormat.RETIRED_SUFFIX);
                    Files.move(f, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    LOG.warn("Retired snapshot {} (renamed {}): it covers the log up to position {}, and the record"
                            + " at {} that replaying onto it needs was lost", f.getFileName(), to.getFileName(), covered,
                            position);
                    n++;
                }
            }
            if (n > 0) {
                SnapshotStoreFiles.syncDirectory(dir);
            }
            return true;
        } catch (IOException e) {
            LOG.error("Retiring the snapshots older than {} failed: {}", loaded.getFileName(), e.toString());
            return false;
        }
    }

    public LoadProgress progress() {
        return progress;
    }

    // ------------------------------------------------------------------ commands (engine thread)

    /** Whether a snapshot is being taken (any thread). */
    public boolean inProgressVolatile() {
        return running;
    }

    /** Keys the last durable snapshot copied before a change (any thread). */
    public long lastCopiedKeys() {
        return lastCopiedKeys;
    }

    boolean inProgress() {
        return job != null;
    }

    boolean rewriteInProgress() {
        return job != null && jobIsRewrite;
    }

    /** SAVE for embedders (the thread that owns the engine): true when the snapshot is durable. */
    public boolean save() {
        return job == null && saveNow();
    }

    /** BGSAVE for embedders (the thread that owns the engine): false when a snapshot runs already. */
    public boolean bgsave() {
        if (job != null) {
            return false;
        }
        startBackground(false);
        return true;
    }

    /** Schedules a BGSAVE for when the running snapshot ends. */
    void scheduleBgsave() {
        bgsaveScheduled = true;
    }

    void scheduleRewrite() {
        rewriteScheduled = true;
    }

    /** Starts a background snapshot (callers checked none runs). */
    void startBackground(boolean rewrite) {
        SnapshotJob j = start(rewrite);
        if (j != null) {
            j.slice();
        }
    }

    /** A blocking snapshot (SAVE, SHUTDOWN); true when it is durable. */
    boolean saveNow() {
        if (job != null) {
            // SHUTDOWN during a BGSAVE: finish that one first, then take a fresh one.
            finishRunning();
        }
        SnapshotJob j = start(false);
        if (j == null) {
            return false;
        }
        j.runToEnd();
        return awaitDurable(j);
    }

    /** Runs the running snapshot to its end on this thread. */
    private void finishRunning() {
        SnapshotJob j = job;
        try {
            j.runToEnd();
        } catch (RuntimeException e) {
            fail(j, e);
            return;
        }
        awaitDurable(j);
    }

    private boolean awaitDurable(SnapshotJob j) {
        Throwable err = null;
        long size = 0;
        try {
            size = j.writer().done().get();
        } catch (ExecutionException e) {
            err = e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err = e;
        }
        finished(j, size, err);
        return err == null;
    }

    long lastSaveSeconds() {
        return lastSaveMillis / 1000;
    }

    private SnapshotJob start(boolean rewrite) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir);
                SnapshotStoreFiles.syncDirectory(dir.getParent());
            }
        } catch (IOException e) {
            LOG.error("Cannot create the snapshot directory {}: {}", dir, e.toString());
            lastBgsaveOk = false;
            lastBgsaveTryMillis = System.currentTimeMillis();
            return null;
        }
        long position = engine.log().lastPosition();
        long name;
        try {
            List<Path> existing = SnapshotFormat.snapshots(dir);
            long newest = existing.isEmpty() ? -2 : SnapshotFormat.positionOfName(existing.get(0).getFileName().toString());
            name = SnapshotFormat.nameNumber(position, newest);
        } catch (IOException e) {
            LOG.error("Cannot list the snapshot directory {}: {}", dir, e.toString());
            lastBgsaveOk = false;
            lastBgsaveTryMillis = System.currentTimeMillis();
            return null;
        }
        SnapshotJob[] self = new SnapshotJob[1];
        SnapshotFileWriter w = new SnapshotFileWriter(dir, name, engine.log(), () -> self[0].resume());
        SnapshotJob j = new SnapshotJob(engine, w, scripts, sliceNanos);
        self[0] = j;
        job = j;
        running = true;
        jobIsRewrite = rewrite;
        lastBgsaveTryMillis = System.currentTimeMillis();
        w.start();
        w.done().whenComplete((size, err) -> engine.execute(() -> finished(j, size == null ? 0 : size, err)));
        LOG.info("{} started: {} keys, covering the log up to position {}", rewrite ? "Log rewrite (snapshot)" : "Snapshot",
                j.keysTotal(), position);
        return j;
    }

    private void fail(SnapshotJob j, Throwable e) {
        j.abort();
        finished(j, 0, e);
    }

    /**
     * A snapshot is durable (or failed): bookkeeping, retention, what was scheduled. Engine
     * thread, except on an engine not started yet (tests, an embedder before start): there the
     * writer's completion callback runs it on the writer thread while SAVE's own call waits in
     * awaitDurable, so the two are serialized here and SAVE never returns before retention ran.
     */
    private synchronized void finished(SnapshotJob j, long size, Throwable err) {
        if (job != j) {
            return; // already handled (SAVE waited for it)
        }
        job = null;
        running = false;
        long now = System.currentTimeMillis();
        long secs = (System.nanoTime() - j.startNanos()) / 1_000_000_000L;
        boolean rewrite = jobIsRewrite;
        if (err == null) {
            lastSaveMillis = now;
            lastBgsaveOk = true;
            lastBgsaveTimeSec = secs;
            dirtyAtLastSave = j.dirtyAtStart();
            saves++;
            lastCowBytes = j.copiedPeakBytes();
            lastCopiedKeys = j.copiedKeys();
            lastFile = j.writer().target();
            LOG.info("Snapshot {} is durable: {} keys, {} bytes, {} ms, {} keys copied before a change",
                    j.writer().target().getFileName(), j.keysWritten(), size, (System.nanoTime() - j.startNanos()) / 1_000_000,
                    j.copiedKeys());
            retention();
            if (rewrite) {
                rewrites++;
                lastRewriteOk = true;
                lastRewriteTimeSec = secs;
                rewriteBaseSize = engine.log().sizeBytes();
            }
        } else {
            LOG.error("Snapshot failed: {}", err.toString());
            lastBgsaveOk = false;
            if (rewrite) {
                lastRewriteOk = false;
            }
        }
        if (rewriteScheduled) {
            rewriteScheduled = false;
            bgsaveScheduled = false;
            startBackground(true);
        } else if (bgsaveScheduled) {
            bgsaveScheduled = false;
            startBackground(false);
        }
    }

    /** Keeps the newest {@value #KEEP} snapshots; the log drops what the older of them covers. */
    private void retention() {
        try {
            List<Path> snaps = SnapshotFormat.snapshots(dir);
            for (Path r : SnapshotFormat.retiredFiles(dir)) {
                Files.deleteIfExists(r);
                LOG.info("Retention: deleted retired snapshot {}", r.getFileName());
            }
            for (int i = KEEP; i < snaps.size(); i++) {
                Files.deleteIfExists(snaps.get(i));
                LOG.info("Retention: deleted snapshot {}", snaps.get(i).getFileName());
            }
            if (snaps.size() >= KEEP) {
                // The covered position is the header's: a name may be a save sequence number.
                long covered = SnapshotReader.header(snaps.get(KEEP - 1)).getLogPosition();
                if (covered >= 0) {
                    engine.log().releaseCoveredBy(covered);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Retention after a snapshot failed: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ automatic snapshots

    /** Every 100 ms on the engine thread: save points and the automatic log rewrite (Redis's serverCron). */
    private void cron() {
        if (job != null || engine.loading()) {
            return;
        }
        long now = System.currentTimeMillis();
        long changes = engine.dirty() - dirtyAtLastSave;
        for (SavePoints.Point p : engine.config().save.get()) {
            if (changes >= p.changes() && now - lastSaveMillis > p.seconds() * 1000
                    && (lastBgsaveOk || now - lastBgsaveTryMillis > RETRY_DELAY_MILLIS)) {
                LOG.info("{} changes in {} seconds. Saving...", p.changes(), p.seconds());
                startBackground(false);
                return;
            }
        }
        long perc = engine.config().autoAofRewritePercentage.get();
        long size = engine.log().sizeBytes();
        if (engine.config().appendonly.get() && perc > 0 && size > engine.config().autoAofRewriteMinSize.get()) {
            long base = Math.max(1, rewriteBaseSize);
            long growth = size * 100 / base - 100;
            if (growth >= perc) {
                LOG.info("Starting automatic rewriting of AOF on {}% growth", growth);
                startBackground(true);
            }
        }
    }

    // ------------------------------------------------------------------ shutdown and close

    @Override
    public boolean shutdownSave(boolean save, boolean nosave) {
        if (nosave) {
            noSaveOnClose = true;
        }
        if (nosave || (!save && engine.config().save.get().isEmpty())) {
            if (job != null) {
                abortRunning();
            }
            return true;
        }
        LOG.info("Saving the final snapshot before shutdown");
        return saveNow();
    }

    /**
     * The embedding's close (on the engine thread, before it stops): with save points
     * configured and changes since the last snapshot, takes one, so the next open replays
     * less; a running BGSAVE is finished rather than lost.
     */
    public void beforeClose() {
        if (noSaveOnClose) {
            return;
        }
        if (job != null) {
            finishRunning();
        }
        if (!engine.config().save.get().isEmpty() && engine.dirty() - dirtyAtLastSave > 0) {
            saveNow();
        }
    }

    private void abortRunning() {
        SnapshotJob j = job;
        j.abort();
        job = null;
        running = false;
        LOG.info("The running snapshot was abandoned (shutdown without saving)");
    }

    @Override
    public void close() {
        SnapshotJob j = job;
        if (j != null) {
            j.writer().abort();
        }
    }

    // ------------------------------------------------------------------ INFO

    private void contribute(String section, InfoSection s) {
        if (!section.equals("persistence")) {
            return;
        }
        for (Map.Entry<String, String> e : progress.info().entrySet()) {
            s.put(e.getKey(), e.getValue());
        }
        SnapshotJob j = job;
        long now = System.currentTimeMillis();
        s.put("current_cow_peak", j != null ? j.copiedPeakBytes() : 0)
                .put("current_cow_size", j != null ? j.copiedBytes() : 0)
                .put("current_save_keys_processed", j != null ? j.keysWritten() : 0)
                .put("current_save_keys_total", j != null ? j.keysTotal() : 0)
                .put("rdb_changes_since_last_save", engine.dirty() - dirtyAtLastSave)
                .put("rdb_bgsave_in_progress", j != null && !jobIsRewrite ? 1 : 0)
                .put("rdb_last_save_time", lastSaveMillis / 1000)
                .put("rdb_last_bgsave_status", lastBgsaveOk ? "ok" : "err")
                .put("rdb_last_bgsave_time_sec", lastBgsaveTimeSec)
                .put("rdb_current_bgsave_time_sec", j != null && !jobIsRewrite ? (now - j.startMillis()) / 1000 : -1)
                .put("rdb_saves", saves)
                .put("rdb_last_cow_size", lastCowBytes)
                .put("rdb_last_load_keys_expired", 0)
                .put("rdb_last_load_keys_loaded", lastLoadKeys)
                .put("aof_rewrite_in_progress", j != null && jobIsRewrite ? 1 : 0)
                .put("aof_rewrite_scheduled", rewriteScheduled ? 1 : 0)
                .put("aof_last_rewrite_time_sec", lastRewriteTimeSec)
                .put("aof_current_rewrite_time_sec", j != null && jobIsRewrite ? (now - j.startMillis()) / 1000 : -1)
                .put("aof_last_bgrewrite_status", lastRewriteOk ? "ok" : "err")
                .put("aof_rewrites", rewrites);
        Path f = lastFile;
        s.put("snapshot_dir", dir.toString()).put("snapshot_last_file", f == null ? "" : f.getFileName().toString());
    }
}
