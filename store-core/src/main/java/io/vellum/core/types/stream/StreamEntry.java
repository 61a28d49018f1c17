package io.vellum.core.types.stream;

/**
 * One stream entry: its ID and its field/value pairs (alternating, never modified after the
 * entry is added, so copies share them). A deleted entry stays in its node as a tombstone,
 * as in Redis's listpacks, until the node goes.
 */
public final class StreamEntry {
    private final StreamId id;
    private final byte[][] fieldsAndValues;
    boolean deleted;

    StreamEntry(StreamId id, byte[][] fieldsAndValues) {
        this.id = id;
        this.fieldsAndValues = fieldsAndValues;
    }

    public StreamId id() {
        return id;
    }

    /** field, value, field, value... Do not mutate. */
    public byte[][] fieldsAndValues() {
        return fieldsAndValues;
    }

    public boolean isDeleted() {
        return deleted;
    }
}
