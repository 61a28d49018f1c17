package io.vellum.replication;

import io.vellum.core.spi.UnitRecord;
import java.util.concurrent.ArrayBlockingQueue;

/**
 * Records read from a primary and handed to the engine together ({@link RecordApplier}): each
 * one's serial, its decoded {@link UnitRecord}, and its bytes exactly as the primary's log
 * stores them, back to back in one array, so that the replica appends them to its own log as
 * they came instead of encoding the record again ({@code CommandLog.appendStored}).
 *
 * <p>Batches are reused ({@link Pool}): a replica applying 50,000 records a second in batches of
 * a few records would otherwise allocate its arrays ten thousand times a second. A batch is
 * filled by the reading thread, applied on the engine thread, then cleared and given back; it
 * belongs to one thread at a time (the hand-offs are the engine's queue and the pool's).
 */
final class RecordBatch {
    /** Most records in one batch (one engine task, one group commit). */
    static final int MAX_RECORDS = 1024;
    /** A batch whose byte array grew past this (a huge record) is not kept in the pool. */
    private static final int KEEP_BYTES = 1 << 20;

    private byte[] bytes = new byte[16 * 1024];
    private int used;
    private int size;
    private long[] serials = new long[16];
    private int[] offsets = new int[16];
    private int[] lengths = new int[16];
    private UnitRecord[] records = new UnitRecord[16];

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean full() {
        return size >= MAX_RECORDS;
    }

    long serial(int i) {
        return serials[i];
    }

    UnitRecord record(int i) {
        return records[i];
    }

    /** The record's bytes as stored: {@code bytes()[offset(i), offset(i) + length(i))}. */
    byte[] bytes() {
        return bytes;
    }

    int offset(int i) {
        return offsets[i];
    }

    int length(int i) {
        return lengths[i];
    }

    long lastSerial() {
        return serials[size - 1];
    }

    /**
     * Room for the next record's {@code len} bytes, to be read into {@code bytes()} at the
     * returned offset and then {@link #add}ed. Earlier records' bytes move if the array grows.
     */
    int reserve(int len) {
        if (bytes.length - used < len) {
            byte[] b = new byte[(int) Math.min(Integer.MAX_VALUE - 16, Math.max((long) used + len, bytes.length * 2L))];
            System.arraycopy(bytes, 0, b, 0, used);
            bytes = b;
        }
        return used;
    }

    /** Adds the record whose bytes were read at {@link #reserve}'s offset. */
    void add(long serial, UnitRecord record, int len) {
        if (size == serials.length) {
            int n = Math.min(MAX_RECORDS, size * 2);
            serials = java.util.Arrays.copyOf(serials, n);
            offsets = java.util.Arrays.copyOf(offsets, n);
            lengths = java.util.Arrays.copyOf(lengths, n);
            records = java.util.Arrays.copyOf(records, n);
        }
        serials[size] = serial;
        offsets[size] = used;
        lengths[size] = len;
        records[size] = record;
        size++;
        used += len;
    }

    /** Adds a record read elsewhere, copying its stored bytes {@code raw[0, len)}. */
    void addCopy(long serial, UnitRecord record, byte[] raw, int len) {
        int off = reserve(len);
        System.arraycopy(raw, 0, bytes, off, len);
        add(serial, record, len);
    }

    /** Forgets the records (the engine applied them), keeping the arrays. */
    void clear() {
        java.util.Arrays.fill(records, 0, size, null);
        size = 0;
        used = 0;
    }

    /** Batches given back after they were applied, for the reading thread to fill again. Thread-safe. */
    static final class Pool {
        private final ArrayBlockingQueue<RecordBatch> free = new ArrayBlockingQueue<>(32);

        /** An empty batch. */
        RecordBatch take() {
            RecordBatch b = free.poll();
            return b != null ? b : new RecordBatch();
        }

        /** Gives back a batch that was applied (or dropped); a full pool lets it go. */
        void give(RecordBatch b) {
            b.clear();
            if (b.bytes.length <= KEEP_BYTES) {
                free.offer(b);
            }
        }
    }
}
