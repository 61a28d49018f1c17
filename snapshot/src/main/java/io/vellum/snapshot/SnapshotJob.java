package io.vellum.snapshot;

import io.vellum.core.data.OrderedDict;
import io.vellum.core.engine.Engine;
import io.vellum.core.keyspace.Database;
import io.vellum.core.keyspace.Keyspace;
import io.vellum.core.keyspace.KeyspaceObserver;
import io.vellum.core.spi.ScriptStateProvider;
import io.vellum.core.types.StoredValueWriter;
import io.vellum.core.types.Value;
import io.vellum.snapshot.proto.DbInfo;
import io.vellum.snapshot.proto.Header;
import io.vellum.snapshot.proto.Scripts;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One snapshot being taken: the dataset exactly as it was after the log record at
 * {@link #position()}, written without stopping the engine (DESIGN.md, "Snapshots").
 *
 * <p><b>How.</b> At the start (between units) it notes, per database, the dictionary, its
 * expiry dictionary and the next sequence number: the keys it will write are exactly the
 * entries of those dictionaries with a smaller sequence number. It then writes them in slices
 * between units, in ascending sequence order, a cursor marking how far it got. Copy-on-write at
 * key granularity keeps the rest as of the start: before a unit changes or deletes a key the
 * cursor has not passed, {@link #beforeKeyChange} serializes the key's value and expiry as they
 * are (still as of the start: the key was not changed since, or it would have been copied
 * already), and the slice later writes those bytes in the key's place. Keys created after the
 * start get higher sequence numbers and are never written. FLUSHDB and SWAPDB replace a
 * database's dictionaries rather than clear them, so a source is identified by its dictionary
 * object, wherever it moves (SWAPDB) or after it was dropped (FLUSHDB: nobody changes it any
 * more). Extra memory is the serialized keys changed during the snapshot, not a copy of the
 * dataset.
 *
 * <p><b>Slices and latency.</b> A slice runs until its time budget is spent, or, after a few
 * keys, until a unit waits in the engine's inbox: a write arriving during a BGSAVE waits for
 * a few keys' encoding, not for a whole slice.
 *
 * <p><b>Threads.</b> Everything here runs on the engine thread; the encoded chunks go to a
 * {@link SnapshotFileWriter}, whose thread does the I/O. Values are read only on the engine
 * thread, so they need no locking.
 */
final class SnapshotJob implements KeyspaceObserver {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SnapshotJob.class);
    /** Keys between two clock reads in a slice. */
    private static final int CLOCK_EVERY = 32;
    /** Keys between two looks at the engine's inbox in a slice. */
    private static final int INBOX_EVERY = 4;
    /**
     * Keys a slice writes at least before it yields to waiting units: the snapshot still moves
     * on (a few µs per batch) when clients keep the engine busy without pause.
     */
    private static final int MIN_KEYS = 4;

    private final Engine engine;
    private final long position;
    private final long startMillis;
    private final long startNanos;
    private final long dirtyAtStart;
    private final long sliceNanos;
    private final Source[] sources;
    private final Map<OrderedDict<?>, Source> byDict = new IdentityHashMap<>();
    private final ChunkEncoder encoder;
    private final SnapshotFileWriter writer;
    private final ScriptStateProvider scripts;
    private final long total;
    private boolean blocking;
    private int current;
    private long written;
    private long cowKeys;
    private long cowBytes;
    private long cowPeakBytes;
    private boolean produced;
    private boolean inSlice;
    private boolean again;
    private boolean waitingForWriter;
    /** Production ended while chunks waited for the writer: the end marker follows them. */
    private boolean endPending;
    private final java.util.ArrayDeque<ByteBuffer> pending = new java.util.ArrayDeque<>();

    /** A database's dictionaries as they were at the start. */
    private static final class Source {
        final int db;
        final OrderedDict<Value> dict;
        final OrderedDict<Long> expires;
        final long startSeq;
        /** Every entry with a smaller sequence number was written. */
        long cursor;
        long prevSeq;
        /** Keys copied before a change, by sequence number, not yet written. */
        final TreeMap<Long, Copied> copied = new TreeMap<>();

        Source(int db, OrderedDict<Value> dict, OrderedDict<Long> expires) {
            this.db = db;
            this.dict = dict;
            this.expires = expires;
            this.startSeq = dict.nextSeq();
        }
    }

    private record Copied(byte[] key, boolean hasExpire, long expireAt, byte[] value) {
    }

    /**
     * Starts a snapshot of {@code engine}'s dataset as it is now (engine thread, between units):
     * writes the header and installs the copy-on-write observer. Nothing is written to the
     * file until {@link #slice} or {@link #runToEnd}.
     */
    SnapshotJob(Engine engine, SnapshotFileWriter writer, ScriptStateProvider scripts, long sliceNanos) {
        this.engine = engine;
        this.writer = writer;
        this.scripts = scripts;
        this.sliceNanos = sliceNanos;
        this.position = engine.log().lastPosition();
        // Read with the position, between units: the serial of the record there (0: none).
        long serial = position >= 0 ? Math.max(0, engine.log().lastSerial()) : 0;
        this.startMillis = System.currentTimeMillis();
        this.startNanos = System.nanoTime();
        this.dirtyAtStart = engine.dirty();
        Keyspace ks = engine.keyspace();
        List<Source> list = new ArrayList<>();
        Header.Builder h = Header.newBuilder()
                .setFormatVersion(SnapshotFormat.FORMAT_VERSION)
                .setLogPosition(position)
                .setBaseSerial(serial)
                .setTimeMs(startMillis)
                .setDatabases(ks.count())
                .setWriter(SnapshotFormat.WRITER);
        long keys = 0;
        for (int i = 0; i < ks.count(); i++) {
            Database d = ks.db(i);
            OrderedDict<Value> dict = d.dict();
            if (dict.isEmpty() && dict.nextSeq() == 1) {
                continue;
            }
            Source s = new Source(i, dict, d.expires());
            list.add(s);
            byDict.put(dict, s);
            keys += dict.size();
            h.addDb(DbInfo.newBuilder().setDb(i).setKeys(dict.size()).setExpires(d.expiresSize()).setNextSeq(s.startSeq));
        }
        this.sources = list.toArray(new Source[0]);
        this.total = keys;
        h.setKeys(keys);
        this.encoder = new ChunkEncoder(this::handOver, writer::reusableChunk);
        encoder.magic();
        encoder.delimited(h.build());
        engine.addObserver(this);
    }

    long position() {
        return position;
    }

    long startMillis() {
        return startMillis;
    }

    long startNanos() {
        return startNanos;
    }

    long dirtyAtStart() {
        return dirtyAtStart;
    }

    long keysTotal() {
        return total;
    }

    long keysWritten() {
        return written;
    }

    long copiedKeys() {
        return cowKeys;
    }

    /** Bytes of copied keys held right now / at most during this snapshot. */
    long copiedBytes() {
        return cowBytes;
    }

    long copiedPeakBytes() {
        return cowPeakBytes;
    }

    boolean produced() {
        return produced;
    }

    SnapshotFileWriter writer() {
        return writer;
    }

    // ------------------------------------------------------------------ copy-on-write

    @Override
    public void beforeKeyChange(Database db, byte[] key) {
        if (produced) {
            return;
        }
        Source s = byDict.get(db.dict());
        if (s == null) {
            return;
        }
        int e = s.dict.indexOf(key);
        if (e < 0) {
            return; // being added: a new key is not in this snapshot
        }
        long seq = s.dict.seqAt(e);
        if (seq < s.cursor || seq >= s.startSeq || s.copied.containsKey(seq)) {
            return; // written already, created after the start, or copied already
        }
        byte[] k = s.dict.keyAt(e);
        Long exp = s.expires.isEmpty() ? null : s.expires.get(k);
        byte[] v = StoredValueWriter.toBytes(s.dict.valueAt(e));
        s.copied.put(seq, new Copied(k, exp != null, exp == null ? 0 : exp, v));
        cowKeys++;
        cowBytes += v.length + k.length + 64;
        cowPeakBytes = Math.max(cowPeakBytes, cowBytes);
    }

    // ------------------------------------------------------------------ slices

    /**
     * Writes keys for about the slice budget, then schedules the next slice for after the
     * engine's next batch (so units and slices alternate, and a slice never delays the replies
     * of a batch). Engine thread.
     */
    void slice() {
        if (inSlice) {
            // An engine that is not started yet runs execute() inline: loop instead of recursing.
            again = true;
            return;
        }
        inSlice = true;
        try {
            do {
                again = false;
                if (produced || writer.failed()) {
                    finishProduction();
                    return;
                }
                if (safeWork(System.nanoTime() + sliceNanos)) {
                    engine.executeAfterBatch(this::slice);
                }
            } while (again);
        } finally {
            inSlice = false;
        }
    }

    /** Writes everything left at once (SAVE, SHUTDOWN, and a BGSAVE the engine must finish now). */
    void runToEnd() {
        blocking = true;
        drainBlocking();
        if (endPending) {
            endPending = false;
            waitingForWriter = false;
            writer.finish(written);
        }
        while (!produced && !writer.failed()) {
            safeWork(Long.MAX_VALUE);
        }
        finishProduction();
    }

    /** The writer has room again: continue (writer thread). */
    void resume() {
        engine.execute(() -> {
            if (waitingForWriter && drainPending()) {
                waitingForWriter = false;
                if (endPending) {
                    if (writer.offerFinish(written)) {
                        endPending = false;
                    } else {
                        waitingForWriter = true;
                    }
                } else {
                    engine.executeAfterBatch(this::slice);
                }
            }
        });
    }

    private boolean safeWork(long deadline) {
        try {
            return work(deadline);
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.error("The snapshot failed while encoding keys; it is abandoned", e);
            abort();
            return false;
        }
    }

    /**
     * Encodes keys until the deadline. Returns true when the next slice should be scheduled,
     * false when production ended or waits for the writer.
     */
    private boolean work(long deadline) {
        int n = 0;
        while (current < sources.length) {
            Source s = sources[current];
            OrderedDict<Value> dict = s.dict;
            int e = dict.entryAtOrAfterSeq(s.cursor);
            while (true) {
                long liveSeq = e < 0 ? Long.MAX_VALUE : dict.seqAt(e);
                if (liveSeq >= s.startSeq) {
                    liveSeq = Long.MAX_VALUE;
                }
                long copiedSeq = s.copied.isEmpty() ? Long.MAX_VALUE : s.copied.firstKey();
                if (liveSeq == Long.MAX_VALUE && copiedSeq == Long.MAX_VALUE) {
                    break;
                }
                if (copiedSeq <= liveSeq) {
                    Copied c = s.copied.pollFirstEntry().getValue();
                    cowBytes -= c.value.length + c.key.length + 64;
                    encoder.key(s.db, c.key, copiedSeq - s.prevSeq, c.hasExpire, c.expireAt, null, c.value);
                    s.prevSeq = copiedSeq;
                    s.cursor = copiedSeq + 1;
                    if (copiedSeq == liveSeq) {
                        e = dict.nextEntry(e + 1);
                    }
                } else {
                    byte[] k = dict.keyAt(e);
                    Long exp = s.expires.isEmpty() ? null : s.expires.get(k);
                    encoder.key(s.db, k, liveSeq - s.prevSeq, exp != null, exp == null ? 0 : exp, dict.valueAt(e));
                    s.prevSeq = liveSeq;
                    s.cursor = liveSeq + 1;
                    e = dict.nextEntry(e + 1);
                }
                written++;
                n++;
                // A unit waiting in the inbox ends the slice early (past the minimum): it would
                // otherwise wait out the rest of the slice, which is what the latency of writes
                // during a BGSAVE is made of.
                if ((n % CLOCK_EVERY == 0 && System.nanoTime() >= deadline) || waitingForWriter
                        || (!blocking && n >= MIN_KEYS && n % INBOX_EVERY == 0 && engine.hasWaitingWork())) {
                    return !waitingForWriter && !writer.failed();
                }
            }
            s.cursor = Long.MAX_VALUE;
            current++;
        }
        // Every key is written: the scripts, then the trailer (written by the writer).
        if (written != total) {
            throw new IllegalStateException("snapshot wrote " + written + " keys but " + total
                    + " existed at its start: a change bypassed copy-on-write");
        }
        Scripts.Builder sc = Scripts.newBuilder();
        if (scripts != null) {
            for (byte[] b : scripts.scriptBodies()) {
                sc.addScript(com.google.protobuf.ByteString.copyFrom(b));
            }
            for (byte[] b : scripts.libraryCodes()) {
                sc.addLibrary(com.google.protobuf.ByteString.copyFrom(b));
            }
        }
        encoder.delimited(sc.build());
        encoder.flush();
        produced = true;
        if (blocking) {
            drainBlocking();
            writer.finish(written);
        } else if (waitingForWriter || !writer.offerFinish(written)) {
            endPending = true; // resume() finishes once the last chunks are handed over
            waitingForWriter = true;
        }
        finishProduction();
        return false;
    }

    /**
     * Full chunks go to the writer. When its queue is full they wait here, in order, and the
     * slices pause until the writer has room again ({@link #resume}): the engine thread never
     * waits for the disk during a BGSAVE.
     */
    private void handOver(ByteBuffer chunk) {
        if (blocking) {
            drainBlocking();
            writer.put(chunk);
        } else if (!pending.isEmpty() || !writer.offer(chunk)) {
            pending.add(chunk);
            waitingForWriter = true;
        }
    }

    /** Hands over what waits, as far as the writer has room; true when nothing waits any more. */
    private boolean drainPending() {
        while (!pending.isEmpty()) {
            if (!writer.offer(pending.peek())) {
                return false;
            }
            pending.poll();
        }
        return true;
    }

    private void drainBlocking() {
        while (!pending.isEmpty()) {
            writer.put(pending.poll());
        }
    }

    private void finishProduction() {
        engine.removeObserver(this);
        for (Source s : sources) {
            s.copied.clear();
        }
        if (writer.failed()) {
            pending.clear();
        }
        cowBytes = 0;
    }

    /** Stops writing (engine closing): the file is not finished, its temporary file deleted. */
    void abort() {
        produced = true;
        finishProduction();
        writer.abort();
    }
}
