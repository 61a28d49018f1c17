package io.vellum.core.types;

import io.vellum.core.types.proto.StoredValue;

/**
 * Converts values to and from their stored encoding ({@code values.proto}), for DUMP/RESTORE
 * and snapshots. Each type converts itself; this only dispatches.
 */
public final class ValueCodec {
    private ValueCodec() {
    }

    public static StoredValue encode(Value v) {
        return v.toProto();
    }

    /**
     * The value a stored message holds. Throws {@link IllegalArgumentException} for a message
     * that is not a valid value (a payload that verified but makes no sense).
     */
    public static Value decode(StoredValue p) {
        return switch (p.getValueCase()) {
            case STRING -> StringValue.fromProto(p.getString());
            case LIST -> ListValue.fromProto(p.getList());
            case HASH -> HashValue.fromProto(p.getHash());
            case SET -> SetValue.fromProto(p.getSet());
            case ZSET -> ZSetValue.fromProto(p.getZset());
            case STREAM -> StreamValue.fromProto(p.getStream());
            default -> throw new IllegalArgumentException("unsupported stored value type: " + p.getValueCase());
        };
    }
}
