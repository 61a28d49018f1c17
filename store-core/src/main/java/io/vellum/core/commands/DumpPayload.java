package io.vellum.core.commands;

import com.google.protobuf.InvalidProtocolBufferException;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueCodec;
import io.vellum.core.types.proto.StoredValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.openhft.hashing.LongHashFunction;

/**
 * The DUMP/RESTORE payload: Vellum's own format, laid out as Redis lays out its DUMP payload
 * (a serialized value, a 2-byte format version, an 8-byte checksum), with the value in
 * Vellum's stored encoding ({@code values.proto} {@code StoredValue}, the encoding snapshots
 * use) instead of Redis's RDB encoding. Redis and Vellum payloads are not interchangeable:
 * each refuses the other's (the version or the checksum does not verify).
 *
 * <pre>
 * +---------------------------------+------------------------+-------------------------------+
 * | StoredValue, protobuf (n bytes) | format version (2, LE) | XXH3-64 of all before (8, LE) |
 * +---------------------------------+------------------------+-------------------------------+
 * </pre>
 *
 * <p>The checksum is XXH3 64-bit with seed 0 (zero-allocation-hashing's
 * {@code LongHashFunction.xx3()}) over the value and the version bytes. Unlike Redis, a zero
 * checksum is not "unchecked": every payload must verify, or RESTORE refuses it and changes
 * nothing.
 *
 * <p>Example: {@code DUMP k} of the string "hi" is 16 bytes,
 * {@code 0a 04 0a 02 68 69 | 01 00 | 36 45 fb f2 0d d3 90 ac}: StoredValue field 1 (string,
 * 4 bytes) holding StringData field 1 (value, 2 bytes) "hi"; format version 1; the checksum
 * (KeyDumpRestoreTest.payloadFormatIsFrozen pins these bytes).
 *
 * <p>What is written is frozen (STYLE.md 5): a format change gets a new version, and RESTORE
 * keeps reading every older one. Versions:
 * <ol>
 *   <li>Vellum 0.1: {@code StoredValue} of {@code values.proto}.</li>
 * </ol>
 *
 * <p>Stateless and thread-safe.
 */
public final class DumpPayload {
    private DumpPayload() {
    }

    /** The format version DUMP writes. */
    public static final int VERSION = 1;
    /** The oldest format version RESTORE reads. */
    public static final int MIN_VERSION = 1;

    private static final int FOOTER = 10;
    private static final LongHashFunction CHECKSUM = LongHashFunction.xx3();

    /** The payload of {@code value}. */
    public static byte[] encode(Value value) {
        byte[] body = ValueCodec.encode(value).toByteArray();
        ByteBuffer b = ByteBuffer.allocate(body.length + FOOTER).order(ByteOrder.LITTLE_ENDIAN);
        b.put(body);
        b.putShort((short) VERSION);
        b.putLong(CHECKSUM.hashBytes(b.array(), 0, body.length + 2));
        return b.array();
    }

    /** True when the payload has a known version and its checksum matches (Redis's verifyDumpPayload). */
    public static boolean verify(byte[] payload) {
        if (payload.length < FOOTER) {
            return false;
        }
        ByteBuffer b = ByteBuffer.wrap(payload).order(ByteOrder.LITTLE_ENDIAN);
        int n = payload.length - FOOTER;
        int version = Short.toUnsignedInt(b.getShort(n));
        if (version < MIN_VERSION || version > VERSION) {
            return false;
        }
        return b.getLong(n + 2) == CHECKSUM.hashBytes(payload, 0, n + 2);
    }

    /**
     * The value of a payload that {@link #verify verified}.
     *
     * @throws IllegalArgumentException when the value does not decode (Redis's "Bad data format")
     */
    public static Value decode(byte[] payload) {
        try {
            StoredValue p = StoredValue.parser().parseFrom(payload, 0, payload.length - FOOTER);
            return ValueCodec.decode(p);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("bad stored value: " + e.getMessage(), e);
        }
    }
}
