package io.vellum.core.types;

import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.util.Longs;
import java.util.Arrays;

/**
 * A string value: bytes, and how Redis would encode them (OBJECT ENCODING).
 *
 * <p><b>Encoding.</b> Redis's tryObjectEncoding gives "int" to integers of at most 20
 * characters, "embstr" to other strings of at most 44 bytes, "raw" beyond. A value created
 * without that step (INCRBYFLOAT's result: {@link #plainOf}) is never "int"; a value changed
 * in place (APPEND, SETRANGE, SETBIT, BITFIELD: {@link #rawOf} and the mutators) is "raw"
 * whatever it holds. Only the "raw" mark is stored ({@code StringData.raw}); like Redis after
 * an RDB load, a reloaded plain value is encoded by tryObjectEncoding's rules.
 *
 * <p><b>Sharing and in-place changes.</b> SETBIT, SETRANGE, APPEND and BITFIELD change the
 * bytes in place, in O(1) amortized as Redis does, never copying a large bitmap per call. The
 * array handed to {@link #of} (often a command argument, still referenced by the unit's log
 * record) and the array returned by {@link #bytes} are never changed: the first in-place
 * change after either copies into a buffer of this value's own (with room to grow), and only
 * such an owned buffer is changed in place. {@link #copy} shares the bytes copy-on-write.
 * Mutators are called only on a value obtained through {@code Database.lookupWrite}, followed
 * by {@code signalModified}.
 *
 * <p>Engine thread only, like every value.
 */
public final class StringValue extends Value {
    /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    public static final int EMBSTR_LIMIT = 44;
    /** The longest string a Java array holds; the effective limit when proto-max-bulk-len is larger. */
    public static final int MAX_LENGTH = Integer.MAX_VALUE - 16;

    /** Content is buf[0, len); buf may be longer (room for growth) only when owned. */
    private byte[] buf;
    private int len;
    private boolean raw;
    /** False for values created without tryObjectEncoding (never "int"). Not stored. */
    private final boolean intCandidate;
    /** True when buf is this value's alone and may be changed in place. */
    private boolean owned;

    private StringValue(byte[] buf, int len, boolean raw, boolean intCandidate, boolean owned) {
        this.buf = buf;
        this.len = len;
        this.raw = raw;
        this.intCandidate = intCandidate;
        this.owned = owned;
    }

    /**
     * A string as SET creates it (tryObjectEncoding). The array is kept, not copied, and never
     * changed: callers hand over a reference they will not change either.
     */
    public static StringValue of(byte[] bytes) {
        return new StringValue(bytes, bytes.length, false, true, false);
    }

    /** A string as Redis's createStringObject makes it: "embstr" or "raw" by length, never "int". */
    public static StringValue plainOf(byte[] bytes) {
        return new StringValue(bytes, bytes.length, false, false, false);
    }

    /** A string as an in-place modification leaves it (OBJECT ENCODING "raw"). Kept, not copied. */
    public static StringValue rawOf(byte[] bytes) {
        return new StringValue(bytes, bytes.length, true, true, false);
    }

    /** A zero-filled raw string of {@code length} bytes that this value owns (SETRANGE, SETBIT on a new key). */
    public static StringValue zeros(int length) {
        return new StringValue(new byte[length], length, true, true, true);
    }

    public static StringValue ofLong(long v) {
        return of(Longs.toBytes(v));
    }

    // ------------------------------------------------------------------ reading

    /**
     * The bytes, exactly {@link #length()} of them. The array is frozen: this value never
     * changes it afterwards, so callers may keep it; they must not modify it.
     */
    public byte[] bytes() {
        if (buf.length != len) {
            buf = Arrays.copyOf(buf, len);
        }
        owned = false;
        return buf;
    }

    /**
     * The backing array, whose first {@link #length()} bytes are the content, for reading
     * within one command without a copy. Do not keep it: an in-place change may alter it.
     */
    public byte[] array() {
        return buf;
    }

    public int length() {
        return len;
    }

    /** The byte at {@code i}, or 0 beyond the end (bit commands read strings as zero-padded). */
    public int byteAt(long i) {
        return i < len ? buf[(int) i] & 0xff : 0;
    }

    public boolean isRaw() {
        return raw;
    }

    /** Made without tryObjectEncoding (stored as StringData.never_int): never "int". */
    public boolean isNeverInt() {
        return !intCandidate;
    }

    // ------------------------------------------------------------------ in-place changes

    /**
     * Makes buf this value's own with room for {@code capacity} bytes, and marks the value
     * raw: called before every in-place change (Redis's dbUnshareStringValue).
     */
    private void prepareWrite(int capacity) {
        if (!owned) {
            buf = Arrays.copyOf(buf, capacity <= len ? len : grownCapacity(capacity));
            owned = true;
        } else if (buf.length < capacity) {
            buf = Arrays.copyOf(buf, grownCapacity(capacity));
        }
        raw = true;
    }

    /** sds's greedy growth: double below 1 MiB, then add 1 MiB; never past {@link #MAX_LENGTH}. */
    private static int grownCapacity(int needed) {
        long cap = needed < 1024 * 1024 ? 2L * needed : needed + 1024L * 1024;
        return (int) Math.min(cap, MAX_LENGTH);
    }

    /** Appends {@code b} (APPEND). The caller checked the resulting length. */
    public void append(byte[] b) {
        prepareWrite(len + b.length);
        System.arraycopy(b, 0, buf, len, b.length);
        len += b.length;
    }

    /**
     * Grows the string with zero bytes to at least {@code length} bytes and makes it raw and
     * writable (Redis's sdsgrowzero after unsharing). Returns true when the length changed.
     */
    public boolean growZero(int length) {
        prepareWrite(length);
        if (length <= len) {
            return false;
        }
        Arrays.fill(buf, len, length, (byte) 0);
        len = length;
        return true;
    }

    /** Overwrites from {@code offset} with {@code b}, zero-padding first if needed (SETRANGE). */
    public void setRange(int offset, byte[] b) {
        growZero(offset + b.length);
        System.arraycopy(b, 0, buf, offset, b.length);
    }

    /**
     * The array to change bits in, after {@link #growZero} made the value writable; valid
     * until the next in-place change or {@link #bytes()}.
     */
    public byte[] writableArray() {
        prepareWrite(len);
        return buf;
    }

    // ------------------------------------------------------------------ Value

    @Override
    public ValueType type() {
        return ValueType.STRING;
    }

    @Override
    public String encoding() {
        if (raw) {
            return "raw";
        }
        if (intCandidate && Longs.isLong(buf, 0, len)) {
            return "int";
        }
        return len <= EMBSTR_LIMIT ? "embstr" : "raw";
    }

    @Override
    public void mixDigest(byte[] digest) {
        RedisDigest.mix(digest, buf, 0, len);
    }

    @Override
    public io.vellum.core.types.proto.StoredValue toProto() {
        return io.vellum.core.types.proto.StoredValue.newBuilder()
                .setString(io.vellum.core.types.proto.StringData.newBuilder()
                        .setValue(com.google.protobuf.UnsafeByteOperations.unsafeWrap(bytes()))
                        .setRaw(raw)
                        .setNeverInt(!intCandidate))
                .build();
    }

    static StringValue fromProto(io.vellum.core.types.proto.StringData d) {
        return loaded(d.getValue().toByteArray(), d.getRaw(), d.getNeverInt());
    }

    /** A stored string (StringData's fields); the array becomes this value's own. */
    static StringValue loaded(byte[] b, boolean raw, boolean neverInt) {
        return new StringValue(b, b.length, raw, !neverInt, true);
    }

    @Override
    public Value copy() {
        owned = false; // both now share buf; whichever changes first copies
        return new StringValue(buf, len, raw, intCandidate, false);
    }
}
