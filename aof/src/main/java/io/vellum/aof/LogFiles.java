package io.vellum.aof;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.openhft.chronicle.bytes.MappedBytes;
import net.openhft.chronicle.bytes.SyncMode;
import net.openhft.chronicle.core.time.SystemTimeProvider;
import net.openhft.chronicle.core.time.TimeProvider;
import net.openhft.chronicle.queue.RollCycle;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueStore;
import net.openhft.chronicle.queue.rollcycles.SparseRollCycles;
import net.openhft.chronicle.wire.Wires;

/**
 * Where the log lives and how its Chronicle Queue is opened: the layout described at the top of
 * {@code aof.proto}. Every part of the module opens the queue here, so the roll cycle (which
 * positions encode, and so is frozen) is written once.
 */
public final class LogFiles {
    /** The log's directory inside a store directory. */
    public static final String AOF_DIR = "aof";
    /**
     * Hourly files with room for 2^34 records each (4.7 million records/s sustained for an
     * hour): positions are (hours since the epoch << 34) | sequence. Frozen: positions
     * written by snapshots and replicas depend on it.
     */
    public static final RollCycle ROLL_CYCLE = SparseRollCycles.LARGE_HOURLY_SPARSE;
    public static final String CYCLE_SUFFIX = ".cq4";
    private static final DateTimeFormatter CYCLE_NAME = DateTimeFormatter
            .ofPattern(ROLL_CYCLE.format()).withZone(ZoneOffset.UTC);

    private LogFiles() {
    }

    public static Path aofDir(Path storeDir) {
        return storeDir.resolve(AOF_DIR);
    }

    /** Opens the log's queue for writing (the caller holds the store's {@link DirectoryLock}). */
    public static SingleChronicleQueue openForWrite(Path aofDir, TimeProvider time) {
        SingleChronicleQueue q = builder(aofDir, time).build();
        releaseLocksOfDeadProcesses(q);
        return q;
    }

    /**
     * A process killed while it held Chronicle's write or append lock (a roll, a record being
     * written) leaves it taken; Chronicle waits out its lock timeout (seconds) before it forces
     * it. The caller holds the store's {@link DirectoryLock}, so no live process can hold them:
     * release them now if their holder is dead.
     */
    private static void releaseLocksOfDeadProcesses(SingleChronicleQueue q) {
        try {
            java.lang.reflect.Method m = SingleChronicleQueue.class.getDeclaredMethod("writeLock");
            m.setAccessible(true);
            ((net.openhft.chronicle.queue.impl.single.WriteLock) m.invoke(q)).forceUnlockIfProcessIsDead();
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not this Chronicle version's layout: Chronicle still forces it after its timeout
        }
        q.appendLock().forceUnlockIfProcessIsDead();
    }

    /** Opens the log's queue read-only (tools, replicas, tests): nothing on disk changes. */
    public static SingleChronicleQueue openReadOnly(Path aofDir) {
        // Nothing to sync: without this Chronicle msyncs every mapping it releases.
        return builder(aofDir, SystemTimeProvider.INSTANCE).readOnly(true).syncMode(SyncMode.NONE).build();
    }

    private static SingleChronicleQueueBuilder builder(Path aofDir, TimeProvider time) {
        return SingleChronicleQueueBuilder.binary(aofDir)
                .rollCycle(ROLL_CYCLE)
                .timeProvider(time);
    }

    /** The cycle a position is in. */
    public static int cycleOf(long position) {
        return ROLL_CYCLE.toCycle(position);
    }

    /** The sequence of a position within its cycle. */
    public static long sequenceOf(long position) {
        return ROLL_CYCLE.toSequenceNumber(position);
    }

    public static long position(int cycle, long sequence) {
        return ROLL_CYCLE.toIndex(cycle, sequence);
    }

    /** The file name of a cycle ("20231114-22LS.cq4"). */
    public static String cycleFileName(int cycle) {
        return CYCLE_NAME.format(Instant.ofEpochMilli((long) cycle * ROLL_CYCLE.lengthInMillis())) + CYCLE_SUFFIX;
    }

    /** The cycle a cycle file's name stands for (the inverse of {@link #cycleFileName}). */
    public static int cycleOfFileName(String name) {
        String stem = name.substring(0, name.length() - CYCLE_SUFFIX.length());
        long millis = java.time.LocalDateTime.parse(stem, DateTimeFormatter.ofPattern(ROLL_CYCLE.format()))
                .toInstant(ZoneOffset.UTC).toEpochMilli();
        return (int) (millis / ROLL_CYCLE.lengthInMillis());
    }

    /**
     * Whether a cycle file lacks a finished first header: its process died creating it (a roll).
     * Read from the file itself: Chronicle, asked to open such a file, waits seconds for the
     * header to be written.
     */
    public static boolean headerUnfinished(Path cycleFile) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(cycleFile)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4).order(java.nio.ByteOrder.nativeOrder());
            while (b.hasRemaining() && ch.read(b) > 0) {
                // read the header word
            }
            if (b.hasRemaining()) {
                return true;
            }
            int header = b.getInt(0);
            return header == 0 || !net.openhft.chronicle.wire.Wires.isReady(header);
        }
    }

    /** A position as an operator reads it: "7949307494409420800 (20231114-22LS.cq4 #12)". */
    public static String describe(long position) {
        if (position < 0) {
            return Long.toString(position);
        }
        return position + " (" + cycleFileName(cycleOf(position)) + " #" + sequenceOf(position) + ")";
    }

    /** The cycle files in {@code aofDir}, oldest first. */
    public static List<Path> cycleFiles(Path aofDir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(aofDir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(aofDir)) {
            s.filter(p -> p.getFileName().toString().endsWith(CYCLE_SUFFIX)).sorted().forEach(out::add);
        }
        return out;
    }

    /**
     * Where the data of a cycle file ends: after the record Chronicle's write position points
     * at (the last one written), 0 when the file does not exist.
     */
    public static long endOfData(SingleChronicleQueue queue, int cycle) {
        SingleChronicleQueueStore store = queue.storeForCycle(cycle, queue.epoch(), false, null);
        if (store == null) {
            return 0;
        }
        try {
            long wp = store.writePosition();
            int header = readInt(store, wp);
            return Wires.isReady(header) && header != 0 ? wp + 4 + Wires.lengthOf(header) : wp;
        } finally {
            queue.closeStore(store);
        }
    }

    /** Reads 4 bytes of a cycle file (the store's bytes are a new view that must be released). */
    static int readInt(SingleChronicleQueueStore store, long offset) {
        MappedBytes b = store.bytes();
        try {
            return b.readVolatileInt(offset);
        } finally {
            b.releaseLast();
        }
    }

    /** Reads {@code len} bytes of a cycle file. */
    static byte[] read(SingleChronicleQueueStore store, long offset, int len) {
        MappedBytes b = store.bytes();
        try {
            byte[] out = new byte[len];
            for (int i = 0; i < len; i++) {
                out[i] = b.readByte(offset + i);
            }
            return out;
        } finally {
            b.releaseLast();
        }
    }

    /** fsyncs a directory, so the names of files created or renamed in it survive a power loss. */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** fsyncs a file's data and metadata. */
    public static void syncFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
