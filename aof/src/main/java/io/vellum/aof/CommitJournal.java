package io.vellum.aof;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code appendfsync always} commit: the bytes a batch appended to a cycle file, written to
 * this small file with {@code write()} and made durable with {@code fdatasync}, instead of an
 * msync of the cycle file's mapped pages. A redo log of the log's own bytes: after a power loss,
 * recovery writes each range back where it was appended ({@link #redo}) before Chronicle opens
 * the files, so what the disk then holds is what an msync of each range would have left. The
 * cycle files themselves are synced whole in the background about once a second
 * ({@link BackgroundSync}, {@link FileSyncer#syncBehindJournal}) and on a roll; what such a sync
 * covers is dropped from here.
 *
 * <p>Why: writeback of pages that a process has mapped writable costs far more than writeback
 * of pages written with {@code write()}: each page is write-protected in the mapping first (a
 * TLB flush on every CPU the process runs on) and the next record written to it takes a fault.
 * {@code SyncCostProbe}, quiet machine, 2,200 bytes a commit: 547 µs of wall time and 87 µs of
 * CPU per msync commit, 116 µs and 38 µs per write+fdatasync. Redis's AOF is written the second
 * way.
 *
 * <p>Layout: two slots of {@value #SLOT} bytes. The commits write frames into one slot while
 * a background sync of the cycle files covers what the other holds; then that other slot is
 * released, and the next background sync switches back to it. Frames in a slot start at its
 * first byte, each {@code [int magic][long generation][short name length][name (the cycle
 * file's name, UTF-8)][long offset][int length][bytes][int CRC32C of all before it in the
 * frame]}. A slot's frames are the ones from its start up to the first that is cut short, fails
 * its checksum or has another generation; the two slots' frames are written back older
 * generation first. Releasing a slot, or starting over after a whole sync under the lock,
 * zeroes the magic of its first frame (and syncs it) before frames are written there again, and
 * a run starts at a random generation, so frames an earlier generation or run left further in
 * a slot are never read.
 *
 * <p>Threads: every call under FileSyncer's sync lock (one caller at a time).
 */
final class CommitJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CommitJournal.class);
    static final String FILE = "commit.journal";
    private static final int MAGIC = 0x564a524e; // "VJRN"
    private static final int FIXED = 4 + 8 + 2 + 8 + 4 + 4;
    /** The file's size, allocated when it is created, so that a commit changes no file size (one write to the disk, not two). */
    static final long SIZE = 16L << 20;
    /** Two slots: one is written while a whole sync of the cycle files covers what the other holds. */
    static final long SLOT = SIZE / 2;

    private final Path file;
    private final FileChannel channel;
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    private long generation;
    /** The slot frames go to, and where the next frame goes in it. */
    private int active;
    private long position;
    /** The other slot holds frames that no whole sync of the cycle files has covered yet. */
    private boolean otherPending;

    private CommitJournal(Path file, FileChannel channel, long generation) {
        this.file = file;
        this.channel = channel;
        this.generation = generation;
    }

    /** Where the store in {@code storeDir} keeps its commit journal (beside the log's directory, not in it). */
    static Path path(Path storeDir) {
        return storeDir.resolve(FILE);
    }

    /**
     * Opens (creating and preallocating it if needed) the journal of {@code storeDir} for
     * writing, empty. Call after {@link #redo}: what the file held is forgotten.
     */
    static CommitJournal open(Path storeDir) throws IOException {
        Path file = path(storeDir);
        boolean created = !Files.exists(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            // never a generation an earlier run wrote: a frame left further in a slot by an
            // older run must not pass for the continuation of a newer one
            long gen = ThreadLocalRandom.current().nextLong() >>> 2;
            if (ch.size() < SIZE) {
                ch.write(ByteBuffer.allocate(1), SIZE - 1);
            }
            // its space allocated now, so that a full disk refuses the store's start, not a commit
            try (SpaceReservation space = new SpaceReservation(SIZE)) {
                String err = space.switchTo(file);
                if (err == null) {
                    err = space.ensure(SIZE);
                }
                if (err != null) {
                    throw new IOException("cannot allocate the commit journal " + file + ": " + err);
                }
            }
            CommitJournal j = new CommitJournal(file, ch, gen);
            j.invalidate(0);
            j.invalidate(1);
            ch.force(true);
            j.told(0);
            j.told(1);
            if (created) {
                LogFiles.syncDirectory(storeDir);
            }
            return j;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    Path file() {
        return file;
    }

    /** True when a range of {@code length} bytes of {@code name} fits in the slot being written. */
    boolean fits(String name, long length) {
        return position + FIXED + name.length() * 3L + length <= SLOT;
    }

    /**
     * Writes bytes {@code [from, to)} of the cycle file {@code cycleFile}, as {@code channel}
     * reads them now (the page cache, which the appender's mapping shares), and syncs them.
     * Returns the journal's byte range written, for the sync listener of tests.
     */
    long[] write(Path cycleFile, FileChannel source, long from, long to) throws IOException {
        byte[] name = cycleFile.getFileName().toString().getBytes(StandardCharsets.UTF_8);
        int length = (int) (to - from);
        int frame = FIXED + name.length + length;
        if (buffer.capacity() < frame) {
            buffer = ByteBuffer.allocateDirect(Integer.highestOneBit(frame) << 1);
        }
        buffer.clear();
        buffer.putInt(MAGIC).putLong(generation).putShort((short) name.length).put(name).putLong(from).putInt(length);
        int dataStart = buffer.position();
        buffer.limit(dataStart + length);
        while (buffer.hasRemaining()) {
            if (source.read(buffer, from + buffer.position() - dataStart) < 0) {
                throw new IOException(cycleFile + " ends before byte " + to + " of the records to commit");
            }
        }
        buffer.limit(frame);
        buffer.flip();
        buffer.limit(frame - 4);
        crc.reset();
        crc.update(buffer.duplicate());
        buffer.limit(frame);
        buffer.putInt(frame - 4, (int) crc.getValue());
        long at = active * SLOT + position;
        while (buffer.hasRemaining()) {
            channel.write(buffer, at + buffer.position());
        }
        channel.force(false);
        position += frame;
        return new long[] {at, at + frame};
    }

    /**
     * The background syncer's first step: later frames go to the other slot (a new
     * generation), so that commits go on while it syncs the cycle files whole. Returns the slot
     * to {@link #release} once that sync completed; -1 when there is nothing to cover, -2 when
     * the other slot is still waiting for its sync (then sync whole under the lock instead).
     */
    int switchSlots() {
        if (position == 0) {
            return -1;
        }
        if (otherPending) {
            return -2;
        }
        int old = active;
        active = 1 - active;
        position = 0;
        generation++;
        otherPending = true;
        return old;
    }

    /** A whole sync that began after {@link #switchSlots} completed: slot {@code slot}'s frames are covered. */
    void release(int slot) throws IOException {
        if (slot == active) {
            return; // a whole sync under the lock started everything over meanwhile
        }
        invalidate(slot);
        channel.force(false);
        told(slot);
        otherPending = false;
    }

    /**
     * A whole sync of the cycle files, begun after every frame was written, completed: both
     * slots are covered, and the next frame starts a new generation.
     */
    void restart() throws IOException {
        if (position == 0 && !otherPending) {
            return;
        }
        invalidate(0);
        invalidate(1);
        channel.force(false);
        told(0);
        told(1);
        generation++;
        position = 0;
        otherPending = false;
    }

    private void invalidate(int slot) throws IOException {
        invalidate(channel, slot);
    }

    /** Zeroes the magic of the slot's first frame: its frames are never read again. */
    private static void invalidate(FileChannel ch, int slot) throws IOException {
        ByteBuffer zero = ByteBuffer.allocate(4);
        while (zero.hasRemaining()) {
            ch.write(zero, slot * SLOT + zero.position());
        }
    }

    /** Tells the sync listener (tests) that the slot's first page was synced. */
    private void told(int slot) {
        FileSyncer.tell(file, slot * SLOT, slot * SLOT + 4);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    // ------------------------------------------------------------------ recovery

    /** Forgets the frames of the journal of {@code storeDir} (durably), if it has any. */
    static void clear(Path storeDir) throws IOException {
        Path file = path(storeDir);
        if (!Files.exists(file)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            invalidate(ch, 0);
            invalidate(ch, 1);
            ch.force(false);
        }
        FileSyncer.tell(file, 0, 4);
        FileSyncer.tell(file, SLOT, SLOT + 4);
    }

    /** A range to write back: {@code bytes} at {@code offset} of the cycle file {@code name}. */
    record Range(String name, long offset, byte[] bytes) {
    }

    record Frames(long generation, List<Range> ranges) {
    }

    /** The frames of the journal's current generation (none when the file is missing or empty). */
    static Frames read(Path storeDir) throws IOException {
        Path file = path(storeDir);
        if (!Files.exists(file)) {
            return new Frames(0, List.of());
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            return readFrames(ch);
        }
    }

    private static Frames readFrames(FileChannel ch) throws IOException {
        Frames first = readSlot(ch, 0);
        Frames second = readSlot(ch, SLOT);
        if (first.ranges().isEmpty()) {
            return second;
        }
        if (second.ranges().isEmpty()) {
            return first;
        }
        // both: the slot a background sync was covering, then the one written meanwhile
        boolean firstOlder = first.generation() < second.generation();
        List<Range> all = new ArrayList<>(firstOlder ? first.ranges() : second.ranges());
        all.addAll(firstOlder ? second.ranges() : first.ranges());
        return new Frames(Math.max(first.generation(), second.generation()), all);
    }

    /**
     * The slot's frames, read one at a time: a recovery after a clean stop or a kill reads a
     * few frames (or one zeroed magic), not the whole {@value #SLOT}-byte slot.
     */
    private static Frames readSlot(FileChannel ch, long start) throws IOException {
        long end = start + Math.min(ch.size() - start, SLOT);
        List<Range> ranges = new ArrayList<>();
        long generation = 0;
        CRC32C c = new CRC32C();
        long at = start;
        while (end - at >= FIXED) {
            ByteBuffer head = readAt(ch, at, 4 + 8 + 2); // magic, generation, name length
            if (head.getInt() != MAGIC) {
                break;
            }
            long gen = head.getLong();
            if (!ranges.isEmpty() && gen != generation) {
                break;
            }
            int nameLength = head.getShort() & 0xffff;
            long remaining = end - at - head.limit();
            if (remaining < nameLength + 12) {
                break;
            }
            ByteBuffer mid = readAt(ch, at + head.limit(), nameLength + 12); // name, offset, length
            byte[] name = new byte[nameLength];
            mid.get(name);
            long offset = mid.getLong();
            int length = mid.getInt();
            remaining -= mid.limit();
            if (length < 0 || offset < 0 || remaining < (long) length + 4) {
                break;
            }
            ByteBuffer rest = readAt(ch, at + head.limit() + mid.limit(), length + 4); // bytes, CRC
            byte[] bytes = new byte[length];
            rest.get(bytes);
            c.reset();
            c.update(head.flip());
            c.update(mid.flip());
            c.update(rest.duplicate().flip());
            if (rest.getInt() != (int) c.getValue()) {
                break;
            }
            if (ranges.isEmpty()) {
                generation = gen;
            }
            ranges.add(new Range(new String(name, StandardCharsets.UTF_8), offset, bytes));
            at += head.limit() + mid.limit() + rest.limit();
        }
        return new Frames(generation, ranges);
    }

    /** {@code n} bytes of {@code ch} at {@code position} (the caller checked they are in the file). */
    private static ByteBuffer readAt(FileChannel ch, long position, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("the commit journal ends before byte " + (position + n));
            }
        }
        return b.flip();
    }

    /**
     * Recovery's first pass: writes every range of the journal of {@code storeDir} back into its
     * cycle file in {@code aofDir} (in the order they were committed, so a range written twice
     * ends as the later one) and syncs those files. A range whose file is gone (retention
     * deleted a file a snapshot covers) is skipped. Writing a range that the file already holds
     * changes nothing, so this is safe after a crash as well as after a power loss, and if it
     * is itself interrupted. Returns how many ranges were written back.
     */
    static int redo(Path storeDir, Path aofDir) throws IOException {
        Frames frames = read(storeDir);
        if (frames.ranges().isEmpty()) {
            return 0;
        }
        Map<String, FileChannel> open = new LinkedHashMap<>();
        int written = 0;
        long bytes = 0;
        try {
            for (Range r : frames.ranges()) {
                Path target = aofDir.resolve(r.name());
                if (!r.name().endsWith(".cq4") || r.name().contains("/") || !Files.isRegularFile(target)) {
                    LOG.warn("The commit journal has {} bytes for {}, which is not in {}: skipped",
                            r.bytes().length, r.name(), aofDir);
                    continue;
                }
                FileChannel ch = open.get(r.name());
                if (ch == null) {
                    ch = FileChannel.open(target, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    open.put(r.name(), ch);
                }
                ByteBuffer b = ByteBuffer.wrap(r.bytes());
                while (b.hasRemaining()) {
                    ch.write(b, r.offset() + b.position());
                }
                written++;
                bytes += r.bytes().length;
            }
            for (Map.Entry<String, FileChannel> e : open.entrySet()) {
                e.getValue().force(false);
                FileSyncer.tell(aofDir.resolve(e.getKey()), -1, -1);
            }
            clear(storeDir);
        } finally {
            for (FileChannel ch : open.values()) {
                ch.close();
            }
        }
        LOG.info("Wrote {} committed ranges ({} bytes) from {} back into the log's files {}", written, bytes,
                path(storeDir), open.keySet());
        return written;
    }
}
