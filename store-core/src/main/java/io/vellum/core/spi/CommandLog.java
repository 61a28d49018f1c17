package io.vellum.core.spi;

/**
 * The append-only log of write units (implemented by the aof module on Chronicle Queue).
 * The engine appends one record per unit that changed the store and commits once per batch,
 * before the batch's replies are released (group commit).
 *
 * <p>{@link #append} and {@link #commit} are called on the engine thread only.
 */
public interface CommandLog extends AutoCloseable {

    /**
     * Appends a record; returns its position. Throws {@link LogWriteException} when the
     * record could not be written: the engine then refuses to acknowledge the unit.
     */
    long append(UnitRecord record);

    /**
     * Appends {@code record} as this log's record number {@code serial}, given its encoding
     * {@code stored[off, off + len)} as another log stored it under that serial (a replica's
     * copy of its primary's record, checked when it was read): the bytes are written as they
     * came, not encoded again, so the replica's log holds the primary's bytes (fields this
     * version does not know included). When {@code serial} is not the serial this log gives its
     * next record, the record is encoded as {@link #append} does. Engine thread.
     */
    default long appendStored(UnitRecord record, long serial, byte[] stored, int off, int len) {
        return append(record);
    }

    /**
     * Makes the records appended since the last commit as durable as the fsync policy asks
     * (with {@code always}, synced before this returns). Throws {@link LogWriteException}
     * when that failed.
     */
    void commit();

    /** The position of the last record appended, or -1 for an empty log. */
    long lastPosition();

    /**
     * The serial of the record at {@link #lastPosition()} (records are numbered from 1); 0
     * when unknown or there is none. Read with it on the engine thread, a snapshot stores both.
     */
    default long lastSerial() {
        return 0;
    }

    /**
     * Makes every record appended so far durable, whatever the fsync policy (a snapshot that
     * covers a position must never be on disk while the log before that position is not: the
     * positions would be handed out again after a crash). Any thread.
     *
     * @throws java.io.IOException when the sync failed
     */
    default void sync() throws java.io.IOException {
    }

    /**
     * A durable snapshot that is kept covers every record up to {@code position}: the log may
     * delete the files that hold only such records (retention). Engine thread.
     *
     * @return how many files were deleted
     */
    default int releaseCoveredBy(long position) {
        return 0;
    }

    /** The log's size on disk in bytes, for the automatic rewrite (0 when unknown). */
    default long sizeBytes() {
        return 0;
    }

    /** True while writes must be refused because the log failed and has not recovered. */
    default boolean failed() {
        return false;
    }

    /** Why writes are refused ("MISCONF ..."), when {@link #failed()}. */
    default String failureReply() {
        return "MISCONF Errors writing to the AOF file";
    }

    @Override
    void close();

    /**
     * False for a log that drops every record it is given (no log at all): the engine then
     * builds no records and digests no effects for it, since nothing would ever read them.
     */
    default boolean keepsRecords() {
        return true;
    }

    /** A log that keeps nothing: the in-memory store. */
    CommandLog NONE = new CommandLog() {
        @Override
        public long append(UnitRecord record) {
            return -1;
        }

        @Override
        public boolean keepsRecords() {
            return false;
        }

        @Override
        public void commit() {
        }

        @Override
        public long lastPosition() {
            return -1;
        }

        @Override
        public void close() {
        }
    };
}
