package io.vellum.replication;

import io.vellum.aof.AppendOnlyLog;
import io.vellum.aof.LogFiles;
import io.vellum.core.engine.Engine;
import io.vellum.core.spi.ScriptStateProvider;
import io.vellum.core.spi.UnitRecord;
import io.vellum.snapshot.LoadProgress;
import io.vellum.snapshot.ProtoSnapshotStore;
import io.vellum.snapshot.SnapshotDamagedException;
import io.vellum.snapshot.SnapshotFormat;
import io.vellum.snapshot.SnapshotLoader;
import io.vellum.snapshot.SnapshotRebase;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A replica's side of a full resync ({@link ReplicationProtocol}): the snapshot is received (or,
 * on the same host, copied) into {@code <dir>/resync/}, verified whole, and only then installed
 * on the engine thread, replacing the replica's state (the engine answers nothing else
 * meanwhile, as a Redis replica loading its RDB):
 * <ol>
 *   <li>load it (the dataset, the script cache and the function libraries);</li>
 *   <li>delete the replica's own snapshots (they cover positions of the log about to go);</li>
 *   <li>drop the replica's log and restart it at the snapshot's serial
 *       ({@link AppendOnlyLog#restartAt}), logging the record the snapshot ends with (its effects
 *       are in the snapshot: it is not applied again), so the log's serials go on as the
 *       primary's do;</li>
 *   <li>install the snapshot as its own, covering that record of its log
 *       ({@link SnapshotRebase#install}: the same bytes with the header's position replaced, a
 *       new checksum), so a restart loads it and replays the records after it;</li>
 *   <li>adopt the primary's log id and the snapshot's serial as its position.</li>
 * </ol>
 * A transfer that is cut short, or fails its CRC-32C or the snapshot's own checks, is refused
 * before anything changes. Steps 2 to 4 change the replica's files; {@value #INCOMPLETE} marks
 * them under way, and a store that opens with it (a crash in between) gives its log a new id,
 * so its primary sends a full resync rather than continue data that may be incomplete. (If the
 * crash left the log's first record without a snapshot under it, opening may instead refuse
 * with a replay divergence naming the record: delete the replica's directory and let it resync.)
 */
final class FullResync {
    private static final Logger LOG = LoggerFactory.getLogger(FullResync.class);
    static final String STAGING_DIR = "resync";
    private static final long REPORT_EVERY_MILLIS = 5000;

    /** A transfer's progress, shown by INFO replication's master_sync_* fields. Any thread. */
    static final class Progress {
        volatile long total = -1;
        volatile long read;
        volatile long lastIoMillis = System.currentTimeMillis();
        final long startMillis = System.currentTimeMillis();
    }

    private FullResync() {
    }

    /**
     * Written before a resync changes anything on disk and deleted once the new state is whole:
     * a store that opens with it was stopped in the middle, and its data cannot be trusted.
     */
    static final String INCOMPLETE = "resync-incomplete";

    private static void markIncomplete(Path dir) throws IOException {
        Path f = dir.resolve(INCOMPLETE);
        Files.writeString(f, "a full resync was under way: this store's data is incomplete until the next one\n");
        LogFiles.syncFile(f);
        LogFiles.syncDirectory(dir);
    }

    /** Whether a full resync of the store in {@code dir} was interrupted (its data is incomplete). */
    static boolean interrupted(Path dir) {
        return dir != null && Files.exists(dir.resolve(INCOMPLETE));
    }

    /** Where a replica stages snapshots (made on demand). */
    static Path stagingDir(Replication repl) throws IOException {
        Path d = repl.dir() != null ? repl.dir().resolve(STAGING_DIR) : null;
        if (d == null) {
            return Files.createTempDirectory("vellum-resync");
        }
        Files.createDirectories(d);
        try (var s = Files.list(d)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Files.deleteIfExists(p); // a resync a crash interrupted
            }
        }
        return d;
    }

    /**
     * Reads {@code length} snapshot bytes and their CRC-32C from {@code in} into a file of
     * {@code dir}, and verifies it (transfer CRC, then the snapshot's own checks).
     *
     * @throws IOException when the transfer is cut short or fails a check (nothing was changed)
     */
    static Path receive(DataInputStream in, long length, Path dir, Progress progress) throws IOException {
        Path tmp = dir.resolve("transfer.tmp");
        CRC32C crc = new CRC32C();
        byte[] buf = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            long left = length;
            long lastReport = System.currentTimeMillis();
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw new EOFException("the snapshot transfer was cut short after " + (length - left) + " of " + length
                            + " bytes: refused, the replica keeps its data");
                }
                crc.update(buf, 0, n);
                out.write(buf, 0, n);
                left -= n;
                progress.read = length - left;
                long now = System.currentTimeMillis();
                progress.lastIoMillis = now;
                if (now - lastReport >= REPORT_EVERY_MILLIS) {
                    lastReport = now;
                    long rate = (length - left) * 1000 / Math.max(1, now - progress.startMillis);
                    LOG.info("Full resync: received {} of {} snapshot bytes ({}%), {} bytes/s, about {} s left",
                            length - left, length, (length - left) * 100 / length, rate, rate > 0 ? left / rate : 0);
                }
            }
        }
        int sent = in.readInt();
        if (sent != (int) crc.getValue()) {
            Files.deleteIfExists(tmp);
            throw new IOException(String.format("the snapshot transfer failed its checksum (CRC-32C sent %08x, received"
                    + " bytes %08x): refused, the replica keeps its data", sent, (int) crc.getValue()));
        }
        return verified(tmp, dir);
    }

    /**
     * Checks a snapshot file's checksum (every byte as its writer wrote it; the records are
     * checked as they load) and names it as a snapshot of {@code dir}; refused (deleted) when
     * damaged.
     */
    static Path verified(Path file, Path dir) throws IOException {
        try {
            SnapshotRebase.verifyChecksum(file);
        } catch (SnapshotDamagedException e) {
            Files.deleteIfExists(file);
            throw new IOException("the snapshot received is damaged, refused (the replica keeps its data): "
                    + e.getMessage());
        }
        Path target = dir.resolve(SnapshotFormat.fileName(0));
        Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /** Copies the primary's snapshot {@code p} (same host) into {@code dir} and verifies it. */
    static Path copy(SnapshotSource.Prepared p, Path dir) throws IOException {
        Path tmp = dir.resolve("transfer.tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            long off = 0;
            while (off < p.size()) {
                long n = p.channel().transferTo(off, p.size() - off, out);
                if (n <= 0) {
                    throw new EOFException("the primary's snapshot " + p.file() + " ended at byte " + off);
                }
                off += n;
            }
        }
        return verified(tmp, dir);
    }

    /**
     * Installs the verified snapshot {@code file} covering records up to {@code serial} of log
     * {@code logId} (steps 1 to 5 above) on the engine thread, and waits for it. {@code last} is
     * record {@code serial} (null when the serial is 0). Waits for a snapshot the replica is
     * taking to end first.
     */
    static void install(Replication repl, RecordApplier applier, Path file, long serial, UnitRecord last, String logId)
            throws IOException {
        Engine engine = repl.engine();
        long started = System.nanoTime();
        while (true) {
            Boolean done;
            try {
                done = engine.call(() -> installNow(repl, applier, file, serial, last, logId)).get();
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                throw c instanceof IOException io ? io : new IOException("installing the snapshot failed: " + c, c);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
            if (done) {
                break;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // a snapshot of ours is being taken
        }
        LOG.info("Full resync: loaded the primary's snapshot (records up to {} of log {}) in {} ms", serial, logId,
                (System.nanoTime() - started) / 1_000_000);
    }

    /** Engine thread. False when a snapshot of this store is being taken (try again when it ended). */
    private static boolean installNow(Replication repl, RecordApplier applier, Path file, long serial, UnitRecord last,
                                      String logId) throws IOException {
        Engine engine = repl.engine();
        ProtoSnapshotStore snaps = engine.snapshots() instanceof ProtoSnapshotStore p ? p : null;
        if (snaps != null && snaps.inProgressVolatile()) {
            return false;
        }
        if (applier.stopped()) {
            throw new IOException("replication was stopped");
        }
        ScriptStateProvider scripts = engine.scripting() instanceof ScriptStateProvider p ? p : null;
        LoadProgress progress = snaps != null ? snaps.progress() : new LoadProgress();
        boolean wasLoading = engine.loading();
        engine.setLoading(true);
        try {
            SnapshotLoader.loadNewest(engine, file.getParent(), scripts, progress);
        } finally {
            engine.setLoading(wasLoading);
        }
        AppendOnlyLog log = repl.log();
        if (log != null) {
            markIncomplete(repl.dir());
            for (Path old : SnapshotFormat.snapshots(SnapshotFormat.directory(repl.dir()))) {
                Files.deleteIfExists(old);
            }
            log.restartAt(serial > 0 ? serial - 1 : 0);
            if (last != null) {
                log.append(last);
            }
            log.sync();
            try {
                SnapshotRebase.install(file, SnapshotFormat.directory(repl.dir()), log.lastPosition(), log.lastSerial());
            } catch (SnapshotDamagedException e) {
                throw new IOException(e.getMessage(), e); // checked before loading: not expected
            }
            Files.delete(repl.dir().resolve(INCOMPLETE));
            LogFiles.syncDirectory(repl.dir());
        }
        applier.resetTo(serial);
        repl.adoptPrimaryLog(logId, applier);
        Files.deleteIfExists(file);
        if (repl.dir() == null) {
            Files.deleteIfExists(file.getParent()); // a temporary directory of its own
        }
        return true;
    }
}
