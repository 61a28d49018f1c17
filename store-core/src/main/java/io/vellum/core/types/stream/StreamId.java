package io.vellum.core.types.stream;

import io.vellum.core.util.Text;

/**
 * A stream entry ID: two unsigned 64-bit numbers, milliseconds and sequence (Redis's
 * streamID), ordered as one unsigned 128-bit number. Immutable.
 */
public record StreamId(long ms, long seq) implements Comparable<StreamId> {
    public static final StreamId MIN = new StreamId(0, 0);
    public static final StreamId MAX = new StreamId(-1L, -1L);

    @Override
    public int compareTo(StreamId o) {
        int c = Long.compareUnsigned(ms, o.ms);
        return c != 0 ? c : Long.compareUnsigned(seq, o.seq);
    }

    public boolean isZero() {
        return ms == 0 && seq == 0;
    }

    public boolean isMax() {
        return ms == -1L && seq == -1L;
    }

    /** streamIncrID: the next ID, or null after the last possible one. */
    public StreamId next() {
        if (seq == -1L) {
            return ms == -1L ? null : new StreamId(ms + 1, 0);
        }
        return new StreamId(ms, seq + 1);
    }

    /** streamDecrID: the previous ID, or null before 0-0. */
    public StreamId previous() {
        if (seq == 0) {
            return ms == 0 ? null : new StreamId(ms - 1, -1L);
        }
        return new StreamId(ms, seq - 1);
    }

    @Override
    public String toString() {
        return Long.toUnsignedString(ms) + "-" + Long.toUnsignedString(seq);
    }

    public byte[] toBytes() {
        return Text.latin1(toString());
    }
}
