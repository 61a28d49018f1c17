package io.vellum.core.util;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Arrays;

/**
 * Reads protobuf's wire format from a byte array: the few primitives the snapshot loader
 * decodes a million key records with. Bytes {@code [pos, end)} are what the current message
 * may read; {@link #limit} narrows {@code end} to a nested message and {@link #restore} widens
 * it again (protobuf's pushLimit/popLimit).
 *
 * <p>Why not {@code CodedInputStream}: its readers are unrolled for speed and the JIT inlines
 * each at every call site, so the loader's decode tree (a key record, its value, every type)
 * grew to thousands of bytecodes per compilation, and in a fresh JVM the C2 compiles of that
 * tree took seconds of the second processor while the load ran in slower code. These methods
 * are small, with the rare cases out of line, and reading from an array needs no refill checks.
 *
 * <p>Everything a protobuf parser refuses is refused here, with an
 * {@link InvalidProtocolBufferException}: a read past {@code end}, a varint longer than ten
 * bytes, a length that is negative or runs past {@code end}, field number 0, an unknown wire type,
 * an end-group tag without its start.
 *
 * <p>Not thread-safe; one per reading thread, reused with {@link #reset}.
 */
public final class WireReader {
    public static final int VARINT = 0;
    public static final int FIXED64 = 1;
    public static final int LENGTH_DELIMITED = 2;
    public static final int START_GROUP = 3;
    public static final int END_GROUP = 4;
    public static final int FIXED32 = 5;
    /** As protobuf's default recursion limit: groups nested deeper are refused. */
    private static final int MAX_GROUP_DEPTH = 100;

    private byte[] buf = new byte[0];
    private int pos;
    private int end;

    /** Reads {@code buf[pos, end)} from now on. */
    public WireReader reset(byte[] buf, int pos, int end) {
        if (pos < 0 || end < pos || end > buf.length) {
            throw new IndexOutOfBoundsException("[" + pos + ", " + end + ") of " + buf.length);
        }
        this.buf = buf;
        this.pos = pos;
        this.end = end;
        return this;
    }

    public byte[] array() {
        return buf;
    }

    public int pos() {
        return pos;
    }

    public int end() {
        return end;
    }

    /** True when the current message has no bytes left. */
    public boolean atEnd() {
        return pos == end;
    }

    /**
     * Limits reading to the next {@code length} bytes (a nested message); returns the end to
     * give {@link #restore} when the message is read.
     */
    public int limit(int length) throws InvalidProtocolBufferException {
        if (length < 0 || length > end - pos) {
            throw truncated(length);
        }
        int old = end;
        end = pos + length;
        return old;
    }

    /** Ends a nested message: the message must have been read to its end. */
    public void restore(int oldEnd) throws InvalidProtocolBufferException {
        if (pos != end) {
            throw new InvalidProtocolBufferException("a message was not read to its end");
        }
        end = oldEnd;
    }

    /** Skips {@code n} bytes of the current message. */
    public void skipBytes(int n) throws InvalidProtocolBufferException {
        if (n < 0 || n > end - pos) {
            throw truncated(n);
        }
        pos += n;
    }

    /** The next tag, or 0 at the end of the current message. */
    public int tag() throws InvalidProtocolBufferException {
        if (pos == end) {
            return 0;
        }
        int t = varint32();
        if (t >>> 3 == 0) {
            throw new InvalidProtocolBufferException("Protocol message contained an invalid tag (zero).");
        }
        return t;
    }

    /** A varint's low 32 bits (protobuf's readRawVarint32, readInt32, readUInt32). */
    public int varint32() throws InvalidProtocolBufferException {
        return (int) varint64();
    }

    public long varint64() throws InvalidProtocolBufferException {
        int p = pos;
        if (p < end) {
            byte b = buf[p];
            if (b >= 0) {
                pos = p + 1;
                return b;
            }
        }
        return varintSlow();
    }

    private long varintSlow() throws InvalidProtocolBufferException {
        int p = pos;
        long r = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (p >= end) {
                throw truncated(1);
            }
            byte b = buf[p++];
            r |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                pos = p;
                return r;
            }
        }
        throw new InvalidProtocolBufferException("CodedInputStream encountered a malformed varint.");
    }

    public boolean bool() throws InvalidProtocolBufferException {
        return varint64() != 0;
    }

    /** A zigzag-encoded 32-bit varint (sint32). */
    public int sint32() throws InvalidProtocolBufferException {
        int n = varint32();
        return (n >>> 1) ^ -(n & 1);
    }

    public long fixed64() throws InvalidProtocolBufferException {
        int p = pos;
        if (end - p < 8) {
            throw truncated(8);
        }
        pos = p + 8;
        return (buf[p] & 0xffL) | (buf[p + 1] & 0xffL) << 8 | (buf[p + 2] & 0xffL) << 16 | (buf[p + 3] & 0xffL) << 24
                | (buf[p + 4] & 0xffL) << 32 | (buf[p + 5] & 0xffL) << 40 | (buf[p + 6] & 0xffL) << 48
                | (buf[p + 7] & 0xffL) << 56;
    }

    public int fixed32() throws InvalidProtocolBufferException {
        int p = pos;
        if (end - p < 4) {
            throw truncated(4);
        }
        pos = p + 4;
        return (buf[p] & 0xff) | (buf[p + 1] & 0xff) << 8 | (buf[p + 2] & 0xff) << 16 | (buf[p + 3] & 0xff) << 24;
    }

    public double readDouble() throws InvalidProtocolBufferException {
        return Double.longBitsToDouble(fixed64());
    }

    /** A length-delimited field's bytes, copied. */
    public byte[] bytes() throws InvalidProtocolBufferException {
        int n = varint32();
        int p = pos;
        if (n < 0 || n > end - p) {
            throw truncated(n);
        }
        pos = p + n;
        return Arrays.copyOfRange(buf, p, p + n);
    }

    /** Skips the field whose tag was just read; an end-group tag here has no start. */
    public void skipField(int tag) throws InvalidProtocolBufferException {
        skipField(tag, 0);
    }

    private void skipField(int tag, int depth) throws InvalidProtocolBufferException {
        switch (tag & 7) {
            case VARINT -> varint64();
            case FIXED64 -> skipBytes(8);
            case LENGTH_DELIMITED -> skipBytes(varint32());
            case START_GROUP -> {
                if (depth >= MAX_GROUP_DEPTH) {
                    throw new InvalidProtocolBufferException("Protocol message had too many levels of nesting.");
                }
                while (true) {
                    int t = tag();
                    if (t == 0) {
                        throw truncated(1);
                    }
                    if ((t & 7) == END_GROUP) {
                        if (t >>> 3 != tag >>> 3) {
                            throw new InvalidProtocolBufferException("Protocol message end-group tag did not match expected tag.");
                        }
                        return;
                    }
                    skipField(t, depth + 1);
                }
            }
            case FIXED32 -> skipBytes(4);
            case END_GROUP -> throw new InvalidProtocolBufferException("Protocol message end-group tag did not match expected tag.");
            default -> throw new InvalidProtocolBufferException("Protocol message tag had invalid wire type.");
        }
    }

    private InvalidProtocolBufferException truncated(int wanted) {
        return new InvalidProtocolBufferException("While parsing a protocol message, the input ended unexpectedly"
                + " in the middle of a field (" + wanted + " bytes wanted, " + (end - pos) + " left)");
    }
}
