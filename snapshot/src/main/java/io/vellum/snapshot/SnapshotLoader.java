package io.vellum.snapshot;

import io.vellum.core.engine.Engine;
import io.vellum.core.keyspace.Keyspace;
import io.vellum.core.spi.ScriptStateProvider;
import io.vellum.core.keyspace.Database;
import io.vellum.core.types.Value;
import io.vellum.snapshot.proto.DbInfo;
import io.vellum.snapshot.proto.Header;
import io.vellum.snapshot.proto.Scripts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loading on open, as numbered passes (STYLE.md 7):
 * <ol>
 *   <li>Delete snapshots a crash left half-written ({@code *.vsnap.tmp}).</li>
 *   <li>Pick the newest snapshot (highest position in its name).</li>
 *   <li>Load it into the keyspace, verifying it as it goes; if it is damaged, empty the
 *       keyspace, say so, and try the one before it.</li>
 *   <li>Return the position it covers: the log is replayed from the record after it.</li>
 * </ol>
 * Runs on the thread that owns the engine (before it starts, or the engine thread).
 */
public final class SnapshotLoader {
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotLoader.class);

    private SnapshotLoader() {
    }

    /**
     * What a load found. {@code file} is null when there was no snapshot (position -1).
     * {@code serial} is the serial of the log record at {@code position} (the header's
     * base_serial), 0 when unknown.
     */
    public record Loaded(Path file, long position, long serial, long keys, long timeMillis, List<Path> damaged) {
    }

    /**
     * Loads the newest valid snapshot of {@code dir} into {@code engine} (replacing its
     * dataset).
     *
     * @throws UncheckedIOException when snapshots exist but none is intact (the message lists them
     *                              and what to do)
     */
    public static Loaded loadNewest(Engine engine, Path dir, ScriptStateProvider scripts, LoadProgress progress) {
        List<Path> damaged = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        reset(engine);
        try {
            // Pass 1: half-written snapshots.
            for (Path t : SnapshotFormat.tempFiles(dir)) {
                Files.deleteIfExists(t);
                LOG.info("Deleted {}: a snapshot that was being written when the process stopped", t.getFileName());
            }
            // Pass 2 and 3: newest first, falling back.
            List<Path> files = SnapshotFormat.snapshots(dir);
            for (Path f : files) {
                try {
                    Loaded l = load(engine, f, scripts, progress, damaged);
                    if (!damaged.isEmpty()) {
                        LOG.warn("Loaded the older snapshot {} instead: the newer {} damaged (see above);"
                                + " the log is replayed from its position", f.getFileName(),
                                damaged.size() == 1 ? "one is" : "ones are");
                    }
                    return l;
                } catch (SnapshotDamagedException e) {
                    reset(engine);
                    damaged.add(f);
                    reasons.add(e.getMessage());
                    LOG.error("{}. Falling back to the snapshot before it{}", e.getMessage(),
                            files.indexOf(f) + 1 < files.size() ? "" : " (there is none)");
                }
            }
            if (!damaged.isEmpty()) {
                throw new UncheckedIOException(new IOException("No intact snapshot in " + dir + ": "
                        + String.join("; ", reasons) + ". Recovery stops rather than replay a log whose start may be gone."
                        + " Check the disk; `vellum check-snapshot <file>` shows what is wrong with each. If the log in"
                        + " aof/ still holds every record from the first, move the snapshots away to replay it whole."));
            }
            return new Loaded(null, -1, 0, 0, 0, damaged);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the snapshots in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Loads one file; on damage the keyspace holds part of it and must be reset. */
    static Loaded load(Engine engine, Path file, ScriptStateProvider scripts, LoadProgress progress, List<Path> damaged)
            throws SnapshotDamagedException, IOException {
        reset(engine);
        Keyspace ks = engine.keyspace();
        Scripts[] scriptSection = new Scripts[1];
        long started = System.nanoTime();
        long maxKeys = Math.min(Files.size(file) / 4, Integer.MAX_VALUE - 16);
        SnapshotReader.Summary sum;
        try {
            sum = SnapshotReader.readValues(file, new SnapshotReader.ValueVisitor() {
                @Override
                public void header(Header h) {
                    if (h.getDatabases() > ks.count()) {
                        for (DbInfo d : h.getDbList()) {
                            if (d.getDb() >= ks.count() && d.getKeys() > 0) {
                                throw new IllegalArgumentException("it holds keys of database " + d.getDb()
                                        + " but this store has " + ks.count() + " databases (raise `databases`)");
                            }
                        }
                    }
                    for (DbInfo d : h.getDbList()) {
                        if (d.getDb() < ks.count()) {
                            // Sized once for the keys to come: no rehashing of a growing keyspace. The
                            // header is not verified yet (the checksum is at the end): a key record takes
                            // more than 4 bytes, so a damaged count never reserves more than the file holds.
                            Database db = ks.db(d.getDb());
                            db.dict().reserve((int) Math.min(d.getKeys(), maxKeys));
                            db.expires().reserve((int) Math.min(d.getExpires(), maxKeys));
                        }
                    }
                    progress.start(file, h.getKeys());
                }

                @Override
                public void key(int db, byte[] key, long seq, boolean hasExpire, long expireAt, Value value) {
                    ks.db(db).appendLoadedKey(key, value, hasExpire ? expireAt : -1, seq);
                    progress.key();
                }

                @Override
                public void scripts(Scripts s) {
                    // Every key is read: index them (inside the read, so a repeated key is damage).
                    for (int i = 0; i < ks.count(); i++) {
                        ks.db(i).finishLoad();
                    }
                    scriptSection[0] = s;
                }
            });
        } finally {
            progress.finish();
        }
        Header h = sum.header();
        for (DbInfo d : h.getDbList()) {
            if (d.getDb() < ks.count()) {
                ks.db(d.getDb()).dict().advanceNextSeq(d.getNextSeq());
            }
        }
        Scripts s = scriptSection[0];
        if (scripts != null && s != null) {
            List<byte[]> bodies = new ArrayList<>();
            s.getScriptList().forEach(b -> bodies.add(b.toByteArray()));
            List<byte[]> libs = new ArrayList<>();
            s.getLibraryList().forEach(b -> libs.add(b.toByteArray()));
            scripts.restore(bodies, libs);
        } else if (s != null && (s.getScriptCount() > 0 || s.getLibraryCount() > 0)) {
            LOG.warn("Snapshot {} holds {} scripts and {} function libraries but this store has no scripting engine:"
                    + " they are not loaded", file.getFileName(), s.getScriptCount(), s.getLibraryCount());
        }
        long ms = Math.max(1, (System.nanoTime() - started) / 1_000_000);
        LOG.info("Loaded snapshot {} in {} ms: {} keys ({} keys/s), {} bytes, covering the log up to position {}",
                file.getFileName(), ms, sum.records(), sum.records() * 1000 / ms, sum.bytes(), h.getLogPosition());
        return new Loaded(file, h.getLogPosition(), h.getBaseSerial(), sum.records(), h.getTimeMs(), List.copyOf(damaged));
    }

    /** Empties every database (sequence numbers start again). */
    static void reset(Engine engine) {
        Keyspace ks = engine.keyspace();
        for (int i = 0; i < ks.count(); i++) {
            ks.db(i).flush();
        }
    }
}
