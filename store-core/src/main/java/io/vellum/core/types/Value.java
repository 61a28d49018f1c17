package io.vellum.core.types;

/**
 * A value stored under a key. Each data type has one subclass that hides its encoding
 * (STYLE.md 2); its commands live in the matching {@code *Commands} class.
 *
 * <p>The access metadata (for OBJECT IDLETIME and FREQ) is not part of the dataset: digests
 * and snapshots ignore it, and replicas may differ in it.
 *
 * <p>Not thread-safe: values are owned by the engine thread. A snapshot in progress reads
 * values only between units or after copying them (see the snapshot module).
 */
public abstract class Value {
    /** Unit time (ms) of the last access, for OBJECT IDLETIME. */
    private long accessTime;
    /**
     * Saturates at 255, so a byte holds it (read unsigned): with the header's spare bytes that
     * keeps a StringValue at 32 bytes instead of 40, for every string key in the store.
     */
    private byte accessCount;

    public abstract ValueType type();

    /** What OBJECT ENCODING answers: the encoding Redis would use for this value. */
    public abstract String encoding();

    /** A deep copy that shares nothing mutable with this value (COPY, snapshot copy-on-write). */
    public abstract Value copy();

    /**
     * Mixes this value's content into a DEBUG DIGEST key digest exactly as Redis's
     * xorObjectDigest does for the type (see {@link io.vellum.core.keyspace.RedisDigest}).
     */
    public abstract void mixDigest(byte[] digest);

    /** This value in the stored encoding shared by DUMP/RESTORE and snapshots. */
    public abstract io.vellum.core.types.proto.StoredValue toProto();

    public long accessTime() {
        return accessTime;
    }

    public void touch(long nowMillis) {
        accessTime = nowMillis;
        if (accessCount != (byte) 255) {
            accessCount++;
        }
    }

    /** A small access counter standing in for Redis's LFU counter (OBJECT FREQ). */
    public int accessCount() {
        return accessCount & 0xff;
    }
}
