package io.vellum.aof;

import io.vellum.core.spi.UnitRecord;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads the log's records in order, checking each one (checksum, framing, format): the one
 * read path of recovery, replay, check-aof, log dump and repair.
 *
 * <p>{@link #next()} either moves to the next intact record, reports the end of the log, or
 * throws {@link LogDamageException} naming the position of a record it cannot read. After a
 * damaged record the scanner may go on reading (to tell a torn tail from damage in the
 * middle), as far as Chronicle's framing still holds.
 *
 * <p>Single-threaded (a Chronicle tailer); close it before its queue.
 */
public final class LogScanner implements AutoCloseable {
    private final SingleChronicleQueue queue;
    private final ExcerptTailer tailer;
    private final long[] serial = new long[1];
    private final RecordCodec codec = new RecordCodec();
    private long lastSerial = -1;
    private byte[] buf = new byte[4096];
    private int length;
    private long position = -1;
    private long headerOffset;
    private long endOffset;
    private UnitRecord record;
    private long skipUpTo = -1;
    private boolean serialsOnly;

    public LogScanner(SingleChronicleQueue queue) {
        this.queue = queue;
        this.tailer = queue.createTailer();
    }

    /**
     * Checks each record (checksum, framing, serial) without decoding its commands: {@link #record()}
     * is then null and only {@link #raw()} holds it (a primary streaming its log to a replica).
     */
    public LogScanner serialsOnly() {
        this.serialsOnly = true;
        return this;
    }

    /**
     * Positions the scanner so {@link #next()} returns the first record after {@code position}
     * ({@code -1}: from the start). Records before the log's first one may be gone (retention
     * after a snapshot); the scan then starts at the first record there is.
     */
    public LogScanner seekAfter(long position) throws LogDamageException {
        return seekAfter(position, 0);
    }

    /**
     * {@link #seekAfter(long)} when the serial of the record at {@code position} is known
     * ({@code serialAtPosition}, from the snapshot's header; 0: unknown, then exactly as
     * {@link #seekAfter(long)}). The walk from the index entry starts with the distance between
     * serials and Chronicle indexes already known, so a walked record whose content fails its
     * checks is passed over (its serial is not needed) and every record that passes must keep
     * that distance: a damaged Chronicle header, which shifts the indexes of the records after
     * it, shows as a mismatch. Past a failed record, the framing counts as confirmed only once
     * a later record keeps the distance (the first record returned, whose serial must follow
     * {@code serialAtPosition}, at the latest): a first record that cannot be read then is
     * refused as damage in the middle rather than guessed past. A log that ends on the way (cut
     * in a covered record) ends the scan; the caller finds the sought record missing.
     */
    public LogScanner seekAfter(long position, long serialAtPosition) throws LogDamageException {
        anchored = false;
        verifyNext = false;
        if (position < 0 || queue.firstIndex() > position) {
            tailer.toStart();
            skipUpTo = position;
            return this;
        }
        boolean found;
        // Chronicle reaches a position by walking the excerpt headers after the nearest index
        // entry, and a damaged header in that walk lands it on another record, silently. So
        // start at the index entry itself and check the serials of the records walked
        // (next() does), up to and including the one at the position.
        long spacing = LogFiles.ROLL_CYCLE.defaultIndexSpacing();
        long seq = LogFiles.sequenceOf(position);
        long from = LogFiles.position(LogFiles.cycleOf(position), seq - seq % spacing);
        try {
            found = tailer.moveToIndex(from);
            if (found) {
                checkSkipped = true;
                anchored = serialAtPosition > 0;
                serialOffset = anchored ? serialAtPosition - position : Long.MIN_VALUE;
                damagedBeforeAnchor = false;
                unconfirmedSince = -1;
            } else {
                found = tailer.moveToIndex(position);
            }
        } catch (RuntimeException | InternalError e) {
            throw new LogDamageException(position, "cannot find the record (" + e + ")", e, -1, false);
        }
        if (!found) {
            // Not indexed (a gap, or beyond the end): read from the start and skip.
            tailer.toStart();
        }
        skipUpTo = position;
        return this;
    }

    /** Whether next() checks the serials of the records it skips (see seekAfter). */
    private boolean checkSkipped;
    /** Serial minus Chronicle index of the checked skipped records (constant when none is missing). */
    private long serialOffset = Long.MIN_VALUE;
    /**
     * A walked record failed its checks before any passed: if its Chronicle header is what was
     * damaged, every index after it is shifted, the first intact record's included, so the
     * serials cannot show it. The position cannot be found with certainty.
     */
    private boolean damagedBeforeAnchor;
    /** {@link #serialOffset} was given (the serial of the sought record is known), not learned from a walked record. */
    private boolean anchored;
    /**
     * Anchored: the Chronicle index of a walked record before the sought one that failed its
     * checks with no passing record after it yet (-1: none). Its header may be what was
     * damaged, so the framing after it is unconfirmed.
     */
    private long unconfirmedSince = -1;
    /** Anchored: the first record after the sought one must confirm the framing (see unconfirmedSince). */
    private boolean verifyNext;

    /**
     * Positions the scanner on {@code position} itself; false when Chronicle cannot find it
     * (it does not exist, or the framing before it is damaged).
     */
    public boolean seekTo(long position) {
        try {
            if (!tailer.moveToIndex(position)) {
                return false;
            }
        } catch (RuntimeException | InternalError e) {
            return false;
        }
        skipUpTo = position - 1;
        lastSerial = -1;
        checkSkipped = false;
        verifyNext = false;
        return true;
    }

    /** Positions the scanner on the first record of {@code cycle}; false when there is none. */
    public boolean seekCycle(int cycle) {
        try {
            if (!tailer.moveToCycle(cycle)) {
                return false;
            }
        } catch (RuntimeException | InternalError e) {
            return false;
        }
        skipUpTo = -1;
        lastSerial = -1;
        checkSkipped = false;
        verifyNext = false;
        return true;
    }

    /**
     * Reads the next intact record.
     *
     * @return false at the end of the log
     * @throws LogDamageException when the next record cannot be read; the scanner has moved
     *                            past it when Chronicle's framing allowed
     */
    public boolean next() throws LogDamageException {
        while (true) {
            long expected = -1;
            try {
                expected = tailer.index();
                try (DocumentContext dc = tailer.readingDocument()) {
                    if (!dc.isPresent()) {
                        if (checkSkipped && damagedBeforeAnchor && serialOffset == Long.MIN_VALUE) {
                            checkSkipped = false;
                            throw unanchored(expected);
                        }
                        // Anchored, the log may end on the way (a file cut in a covered record): the caller
                        // finds the base's record missing and judges that (Recovery refuses: the log ends
                        // before the position the snapshot covers), with the record before it checked
                        // against the serial.
                        return false;
                    }
                    long index = dc.index();
                    Bytes<?> b = dc.wire().bytes();
                    long n = b.readRemaining();
                    if (index <= skipUpTo) {
                        if (checkSkipped) {
                            checkSkippedRecord(index, b, n);
                        }
                        b.readPosition(b.readLimit());
                        continue;
                    }
                    if (checkSkipped) {
                        checkSkipped = false;
                        if (damagedBeforeAnchor && serialOffset == Long.MIN_VALUE) {
                            throw unanchored(index);
                        }
                        if (serialOffset != Long.MIN_VALUE) {
                            lastSerial = serialOffset + skipUpTo; // the record at the sought position
                        }
                        verifyNext = anchored && unconfirmedSince >= 0;
                    }
                    position = index;
                    headerOffset = b.readPosition() - 4;
                    endOffset = b.readLimit();
                    if (n > Integer.MAX_VALUE - 16) {
                        throw new LogDamageException(index, "excerpt of " + n + " bytes is larger than any record",
                                headerOffset, false);
                    }
                    if (buf.length < n) {
                        buf = new byte[(int) Math.max(n, buf.length * 2L)];
                    }
                    b.read(buf, 0, (int) n);
                    length = (int) n;
                }
            } catch (LogDamageException e) {
                throw e;
            } catch (RuntimeException | InternalError e) {
                // Chronicle could not frame the next excerpt (a damaged header, a file cut short).
                long at = expected >= 0 ? expected : position + 1;
                throw new LogDamageException(at, "unreadable excerpt (" + e + ")", e, endOffset, false);
            }
            try {
                if (serialsOnly) {
                    serial[0] = codec.readSerial(buf, 0, length);
                } else {
                    record = codec.read(buf, 0, length, serial);
                }
            } catch (DamagedRecordException e) {
                if (verifyNext) {
                    verifyNext = false;
                    throw unconfirmed(position);
                }
                throw new LogDamageException(position, e.getMessage(), headerOffset, false);
            }
            verifyNext = false; // the serial check below confirms the framing (or throws)
            long s = serial[0];
            long previous = lastSerial;
            lastSerial = s;
            if (previous >= 0 && s != previous + 1) {
                // Chronicle numbers the records it can see, so a record hidden by damage to its
                // header (or lost with the end of a file) shows only here.
                throw new LogDamageException(position, "record serial " + s + " follows serial " + previous
                        + ": " + (s > previous ? (s - previous - 1) + " record(s) before it are missing" : "serials go back")
                        + " (their headers are damaged, or a file lost its end)", headerOffset, true);
            }
            return true;
        }
    }

    /**
     * A record walked on the way to a sought position: its serial must keep the same distance
     * to its Chronicle index as the others', or Chronicle's walk missed or invented a record. A
     * record whose content is damaged is not needed (a snapshot covers it) and is passed over.
     */
    private void checkSkippedRecord(long index, Bytes<?> b, long n) throws LogDamageException {
        if (n > Integer.MAX_VALUE - 16 || n < 0) {
            if (anchored && index < skipUpTo) {
                unconfirmedSince = index;
            }
            return;
        }
        if (buf.length < n) {
            buf = new byte[(int) Math.max(n, buf.length * 2L)];
        }
        b.read(buf, 0, (int) n);
        long s;
        try {
            s = codec.readSerial(buf, 0, (int) n);
        } catch (DamagedRecordException e) {
            passedOver(index);
            return;
        }
        long offset = s - index;
        if (serialOffset == Long.MIN_VALUE) {
            if (damagedBeforeAnchor) {
                throw unanchored(index);
            }
            serialOffset = offset;
        } else if (offset != serialOffset) {
            throw new LogDamageException(index, "record serial " + s + " at position " + index + " does not follow the"
                    + (anchored ? " record the snapshot covers (serial " + (serialOffset + skipUpTo) + " at position "
                    + skipUpTo + ")" : " records before it") + ": the framing of the log before position " + skipUpTo
                    + " is damaged, so that record cannot be found", b.readPosition() - n - 4, true);
        }
        unconfirmedSince = -1; // this record keeps the distance: the framing holds up to here
    }

    /** A walked record failed its checks (its content is damaged, or its header). */
    private void passedOver(long index) {
        if (anchored) {
            if (index < skipUpTo) {
                unconfirmedSince = index;
            }
        } else if (serialOffset == Long.MIN_VALUE) {
            damagedBeforeAnchor = true;
        }
    }

    private LogDamageException unanchored(long index) {
        return new LogDamageException(Math.max(index, 0), "a damaged record before position " + skipUpTo + " (on the way"
                + " to it from Chronicle's index entry) leaves the framing in doubt, so that record cannot be found"
                + " with certainty", -1, true);
    }

    private LogDamageException unconfirmed(long index) {
        return new LogDamageException(Math.max(index, 0), "the record at position " + unconfirmedSince + ", before"
                + " position " + skipUpTo + " (the record the snapshot covers, serial " + (serialOffset + skipUpTo)
                + "), is damaged and no intact record after it confirms the framing, so that record cannot be found with"
                + " certainty", -1, true);
    }

    /** The position (Chronicle index) of the record {@link #next()} last read. */
    public long position() {
        return position;
    }

    /** The serial of the record last read. */
    public long serial() {
        return lastSerial;
    }

    /**
     * Forgets the serial of the record read last, so the next one is not checked against it
     * (after moving the scanner elsewhere).
     */
    public void forgetSerial() {
        lastSerial = -1;
    }

    /** The record last read. */
    public UnitRecord record() {
        return record;
    }

    /** The kind of the record {@link #next()} last read, in both modes ({@link #serialsOnly} decodes no record). */
    public UnitRecord.Kind kind() {
        return serialsOnly ? codec.lastKind() : record.kind();
    }

    /** The record's bytes: {@code raw()[0, rawLength())}. */
    public byte[] raw() {
        return buf;
    }

    public int rawLength() {
        return length;
    }

    /** Where the record's Chronicle header starts in its cycle file. */
    public long headerOffset() {
        return headerOffset;
    }

    /** Where the record's bytes end in its cycle file (before Chronicle's padding). */
    public long endOffset() {
        return endOffset;
    }

    @Override
    public void close() {
        tailer.close();
    }
}
