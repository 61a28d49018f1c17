package io.vellum.replication;

import io.vellum.aof.LogDamageException;
import io.vellum.aof.LogFiles;
import io.vellum.core.spi.UnitRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A same-host replica: tails the primary's log files read-only ({@link LogTail}) and applies
 * each record as it appears ({@link RecordApplier}). Where it resumes is its own log's last
 * serial, so it survives restarts of itself; the primary's files survive the primary's restarts,
 * and a restarted primary appends to them, so the tail just goes on.
 *
 * <p>Latency: the thread polls the log and parks between empty polls ({@link IdleWait}: 50 µs,
 * doubling to 500 µs while nothing comes; never spinning), so a steady stream is read every
 * 50–100 µs and a record written after a pause is seen within about half a millisecond. The
 * primary is another process: nothing can wake this thread when a record is appended.
 *
 * <p>Before following, and every second while idle, it compares its log id with the primary's
 * ({@link LogIdentity}, the primary's {@code replication-id} file): a primary whose log does not
 * continue what this replica applied (it was replaced, or diverged), or whose log no longer
 * holds the records after this replica's position, is followed again by a full resync from the
 * primary's newest snapshot ({@link FullResync}) instead of mixing two histories.
 */
final class LogFollower extends Upstream {
    private static final Logger LOG = LoggerFactory.getLogger(LogFollower.class);
    /**
     * Records read but not applied yet, at most. They wait decoded on the heap, where every young
     * collection copies them (a replica behind by 100,000 spent 200-400 ms a pause copying them,
     * and fell further behind); beyond this they wait in the primary's log instead.
     */
    private static final long MAX_BACKLOG = 10_000;

    private final Replication repl;
    private final Path primaryDir;
    private final Thread thread;

    LogFollower(Replication repl, Path primaryDir, RecordApplier applier) {
        super(applier);
        this.repl = repl;
        this.primaryDir = primaryDir;
        this.thread = new Thread(this::run, "vellum-repl-follow");
        thread.setDaemon(true);
    }

    @Override
    void start() {
        thread.start();
    }


    @Override
    String host() {
        return primaryDir.toString();
    }

    @Override
    int port() {
        return 0;
    }





    @Override
    public void close() {
        running = false;
        applier.stop();
        LockSupport.unpark(thread);
    }

    @Override
    void join() throws InterruptedException {
        thread.join(5000);
    }

    private void run() {
        while (running && applier.error() == null) {
            try {
                follow();
            } catch (IOException | LogDamageException | RuntimeException e) {
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                if (!why.equals(lastError)) {
                    LOG.warn("Following {} stopped: {}", primaryDir, why);
                }
                lastError = why;
            } finally {
                up = false;
                state = "connect";
            }
            if (running) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1000));
            }
        }
    }

    /** Why this replica cannot continue from the log of {@code primary} (a full resync is needed), or null. */
    private String resyncReason(LogIdentity primary) throws LogDamageException {
        long applied = applier.applied();
        if (!primary.canContinue(repl.identity().id(), applied, Long.MAX_VALUE)) {
            return "the log in " + primaryDir + " (id " + primary.id() + ") does not continue what this replica applied"
                    + " (record " + applied + " of log " + repl.identity().id() + ")";
        }
        try (LogTail tail = new LogTail(primaryDir)) {
            LogTail.Seek seek = tail.seekAfter(applied);
            return seek == LogTail.Seek.OK ? null : seek == LogTail.Seek.GONE
                    ? "the records after " + applied + " are no longer in " + primaryDir
                    : "the log in " + primaryDir + " ends before record " + applied
                            + ": this replica holds records the primary does not";
        }
    }

    /**
     * Full resync on the same host: the primary's newest snapshot whose position is still in its
     * log, copied into this replica's dir, verified and installed ({@link FullResync}); the tail
     * then continues after it.
     */
    private void resync(LogIdentity primary, String why) throws IOException, LogDamageException {
        LOG.warn("Full resync from {}: {}", primaryDir, why);
        FullResync.Progress progress = new FullResync.Progress();
        sync = progress;
        state = "sync";
        try (SnapshotSource.Prepared p = SnapshotSource.newestUsable(primaryDir)) {
            if (p == null) {
                throw new IOException(ReplicationProtocol.FULL_RESYNC_NEEDED + " " + why + ", and " + primaryDir
                        + " has no snapshot whose position is still in its log (waiting for one: SAVE on the primary)");
            }
            progress.total = p.size();
            Path file = FullResync.copy(p, FullResync.stagingDir(repl));
            progress.read = p.size();
            UnitRecord last = null;
            if (p.serial() > 0) {
                try (LogTail t = new LogTail(primaryDir)) {
                    if (t.seekToSnapshotRecord(p.serial() - 1) != LogTail.Seek.OK || !t.next()) {
                        throw new IOException("record " + p.serial() + " (the last the snapshot " + p.file().getFileName()
                                + " covers) left " + primaryDir + ": resyncing again");
                    }
                    last = t.record();
                }
            }
            FullResync.install(repl, applier, file, p.serial(), last, primary.id());
        } finally {
            sync = null;
        }
    }

    private void follow() throws IOException, LogDamageException {
        Path aof = LogFiles.aofDir(primaryDir);
        state = "connecting";
        if (!Files.exists(aof.resolve("metadata.cq4t"))) {
            throw new IOException("no log in " + primaryDir + " yet (waiting for the primary to open it)");
        }
        LogIdentity primary = LogIdentity.load(primaryDir);
        if (primary == null) {
            throw new IOException(primaryDir + " has no " + LogIdentity.FILE + " yet (waiting for the primary to open it)");
        }
        String why = resyncReason(primary);
        if (why != null) {
            resync(primary, why);
        }
        long applied = applier.applied();
        try (LogTail tail = new LogTail(primaryDir)) {
            LogTail.Seek seek = tail.seekAfter(applied);
            if (seek != LogTail.Seek.OK) {
                throw new IOException("the records after " + applied + " left " + primaryDir + " while this replica"
                        + " resynced: it resyncs again");
            }
            repl.adoptPrimaryLog(primary.id(), applier);
            up = true;
            state = "connected";
            lastError = null;
            lastIoMillis = System.currentTimeMillis();
            LOG.info("Following the log in {} (id {}) after record {}", primaryDir, primary.id(), applied);
            IdleWait pauser = new IdleWait();
            long lastCheck = System.nanoTime();
            Runnable batchApplied = () -> {
            };
            RecordBatch batch = applier.newBatch();
            while (running && applier.error() == null) {
                while (!batch.full() && tail.next()) {
                    batch.addCopy(tail.serial(), tail.record(), tail.raw(), tail.rawLength());
                }
                if (!batch.isEmpty()) {
                    pauser.reset();
                    lastIoMillis = System.currentTimeMillis();
                    applier.submit(batch, batchApplied);
                    batch = applier.newBatch();
                    while (running && applier.backlog() > MAX_BACKLOG) {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
                    }
                    continue;
                }
                if (System.nanoTime() - lastCheck > TimeUnit.SECONDS.toNanos(1)) {
                    lastCheck = System.nanoTime();
                    lastIoMillis = System.currentTimeMillis();
                    LogIdentity now = LogIdentity.load(primaryDir);
                    if (now != null && !now.id().equals(primary.id())
                            && !now.canContinue(primary.id(), tail.serial(), Long.MAX_VALUE)) {
                        throw new IOException("the log in " + primaryDir + " changed its id to " + now.id()
                                + " and does not continue log " + primary.id());
                    }
                }
                pauser.pause();
            }
        }
    }
}
