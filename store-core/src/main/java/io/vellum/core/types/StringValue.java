package io.vellum.core.types;

import io.vellum.core.util.Longs;

/**
 * A string value: immutable bytes, plus whether Redis would hold it as a "raw" string after
 * an in-place change (APPEND, SETRANGE, SETBIT...). OBJECT ENCODING follows Redis's
 * tryObjectEncoding: "int" for integers of at most 20 characters, "embstr" up to 44 bytes,
 * "raw" beyond or after an in-place change.
 */
public final class StringValue extends Value {
    /** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT. */
    public static final int EMBSTR_LIMIT = 44;

    private final byte[] bytes;
    private final boolean raw;

    private StringValue(byte[] bytes, boolean raw) {
        this.bytes = bytes;
        this.raw = raw;
    }

    /** A string as SET creates it. The array is kept, not copied: callers hand over ownership. */
    public static StringValue of(byte[] bytes) {
        return new StringValue(bytes, false);
    }

    /** A string as an in-place modification leaves it (OBJECT ENCODING "raw"). */
    public static StringValue rawOf(byte[] bytes) {
        return new StringValue(bytes, true);
    }

    public static StringValue ofLong(long v) {
        return new StringValue(Longs.toBytes(v), false);
    }

    /** The bytes; callers must not modify them. */
    public byte[] bytes() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    public boolean isRaw() {
        return raw;
    }

    @Override
    public ValueType type() {
        return ValueType.STRING;
    }

    @Override
    public String encoding() {
        if (Longs.isLong(bytes)) {
            return "int";
        }
        if (!raw && bytes.length <= EMBSTR_LIMIT) {
            return "embstr";
        }
        return "raw";
    }

    @Override
    public void mixDigest(byte[] digest) {
        io.vellum.core.keyspace.RedisDigest.mix(digest, bytes);
    }

    @Override
    public io.vellum.core.types.proto.StoredValue toProto() {
        return io.vellum.core.types.proto.StoredValue.newBuilder()
                .setString(io.vellum.core.types.proto.StringData.newBuilder()
                        .setValue(com.google.protobuf.UnsafeByteOperations.unsafeWrap(bytes))
                        .setRaw(raw))
                .build();
    }

    static StringValue fromProto(io.vellum.core.types.proto.StringData d) {
        return new StringValue(d.getValue().toByteArray(), d.getRaw());
    }

    @Override
    public Value copy() {
        return new StringValue(bytes, raw); // bytes are immutable
    }
}
