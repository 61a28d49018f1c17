package io.vellum.core.types;

import io.vellum.core.types.proto.StreamData;
import io.vellum.core.util.WireReader;
import java.io.IOException;
import java.util.Arrays;

/**
 * Decodes a {@code StoredValue} message ({@code values.proto}) straight into a {@link Value},
 * without building the generated messages: the snapshot loader's path, where a million keys
 * of builders, ByteStrings and copies of every byte cost more than the values themselves.
 * It reads with a {@link WireReader} (small readers over an array; why, there).
 * The result equals {@link ValueCodec#decode} of the same bytes (the types' {@code fromParts}
 * do the checks for both), and a message that is not a valid value throws
 * {@link IllegalArgumentException} as there. Streams, rare and deep, go through the
 * generated parser.
 *
 * <p>Accepts what a protobuf parser accepts for these messages (fields in any order, packed
 * or unpacked repeated numbers, unknown fields skipped), except a StoredValue naming two
 * types, which the writers never produce and which is refused rather than merged.
 *
 * <p>Not thread-safe: one instance per reading thread; it keeps scratch arrays between values
 * so that decoding allocates only what the value keeps.
 */
public final class StoredValueReader {
    private static final int TAG_STRING = 1;
    private static final int TAG_LIST = 2;
    private static final int TAG_SET = 3;
    private static final int TAG_ZSET = 4;
    private static final int TAG_HASH = 5;
    private static final int TAG_STREAM = 6;
    private static final String[] ENCODINGS = {"listpack", "hashtable", "intset", "skiplist", "quicklist"};
    private static final byte[][] ENCODING_BYTES = Arrays.stream(ENCODINGS)
            .map(s -> s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray(byte[][]::new);

    /**
     * Each type's decoder, by StoredValue field number, called through this array: the call
     * site sees five classes, so the JIT compiles each decoder once, on its own, instead of
     * inlining all five (with the types' builders) into every caller of {@link #read}: in a
     * fresh JVM those compilations took seconds of the processor the load needed for the
     * collector.
     */
    private static final TypeDecoder[] TYPES = {
        null,
        (r, in) -> readString(in),
        StoredValueReader::readList,
        StoredValueReader::readSet,
        StoredValueReader::readZSet,
        StoredValueReader::readHash,
        (r, in) -> readStream(in),
    };

    @FunctionalInterface
    private interface TypeDecoder {
        Value read(StoredValueReader reader, WireReader in) throws IOException;
    }

    private byte[][] bytesA = new byte[16][];
    private byte[][] bytesB = new byte[16][];
    private long[] longs = new long[16];
    private double[] doubles = new double[16];
    private int[] ints = new int[16];
    private int nA;
    private int nB;
    private int nLongs;
    private int nDoubles;
    private int nInts;

    /**
     * Reads one StoredValue message of {@code length} bytes from {@code in}.
     *
     * @throws IOException              when the bytes are not a protobuf message (damaged)
     * @throws IllegalArgumentException when the message is not a valid value
     */
    public Value read(WireReader in, int length) throws IOException {
        int limit = in.limit(length);
        Value v = null;
        while (true) {
            int tag = in.tag();
            if (tag == 0) {
                break;
            }
            int field = tag >>> 3;
            if (field >= TAG_STRING && field <= TAG_STREAM && (tag & 7) == WireReader.LENGTH_DELIMITED) {
                if (v != null) {
                    throw new IllegalArgumentException("a stored value with two types");
                }
                int inner = in.limit(in.varint32());
                v = TYPES[field].read(this, in);
                in.restore(inner);
            } else {
                in.skipField(tag);
            }
        }
        in.restore(limit);
        if (v == null) {
            throw new IllegalArgumentException("unsupported stored value type: VALUE_NOT_SET");
        }
        return v;
    }

    private void reset() {
        // Drop the references the previous value's arrays left, so scratch keeps nothing alive.
        Arrays.fill(bytesA, 0, nA, null);
        Arrays.fill(bytesB, 0, nB, null);
        nA = 0;
        nB = 0;
        nLongs = 0;
        nDoubles = 0;
        nInts = 0;
    }

    private static StreamValue readStream(WireReader in) throws IOException {
        int n = in.end() - in.pos();
        StreamValue v = StreamValue.fromProto(StreamData.parser().parseFrom(in.array(), in.pos(), n));
        in.skipBytes(n);
        return v;
    }

    private static StringValue readString(WireReader in) throws IOException {
        byte[] value = null;
        boolean raw = false;
        boolean neverInt = false;
        while (true) {
            int tag = in.tag();
            switch (tag) {
                case 0 -> {
                    return StringValue.loaded(value == null ? new byte[0] : value, raw, neverInt);
                }
                case (1 << 3) | WireReader.LENGTH_DELIMITED -> value = in.bytes();
                case (2 << 3) | WireReader.VARINT -> raw = in.bool();
                case (3 << 3) | WireReader.VARINT -> neverInt = in.bool();
                default -> skip(in, tag);
            }
        }
    }

    private ListValue readList(WireReader in) throws IOException {
        reset();
        String encoding = "";
        int fill = 0;
        while (true) {
            int tag = in.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (tag == 0) {
                break;
            } else if (field == 1 && wire == WireReader.LENGTH_DELIMITED) {
                addA(in.bytes());
            } else if (field == 2 && wire == WireReader.LENGTH_DELIMITED) {
                encoding = readEncoding(in);
            } else if (field == 3 && wire == WireReader.LENGTH_DELIMITED) {
                int l = in.limit(in.varint32());
                while (!in.atEnd()) {
                    addInt(in.sint32());
                }
                in.restore(l);
            } else if (field == 3 && wire == WireReader.VARINT) {
                addInt(in.sint32());
            } else if (field == 4 && wire == WireReader.VARINT) {
                fill = in.sint32();
            } else {
                skip(in, tag);
            }
        }
        return ListValue.fromParts(bytesA, nA, encoding, ints, nInts, fill);
    }

    private SetValue readSet(WireReader in) throws IOException {
        reset();
        String encoding = "";
        long nextSeq = 0;
        while (true) {
            int tag = in.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (tag == 0) {
                break;
            } else if (field == 1 && wire == WireReader.LENGTH_DELIMITED) {
                addA(in.bytes());
            } else if (field == 2) {
                readLongs(in, wire, tag);
            } else if (field == 3 && wire == WireReader.VARINT) {
                nextSeq = in.varint64();
            } else if (field == 4 && wire == WireReader.LENGTH_DELIMITED) {
                encoding = readEncoding(in);
            } else {
                skip(in, tag);
            }
        }
        return SetValue.fromParts(bytesA, nA, longs, nLongs, nextSeq, encoding);
    }

    private ZSetValue readZSet(WireReader in) throws IOException {
        reset();
        String encoding = "";
        long nextSeq = 0;
        while (true) {
            int tag = in.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (tag == 0) {
                break;
            } else if (field == 1 && wire == WireReader.LENGTH_DELIMITED) {
                addA(in.bytes());
            } else if (field == 2 && wire == WireReader.LENGTH_DELIMITED) {
                int l = in.limit(in.varint32());
                while (!in.atEnd()) {
                    addDouble(in.readDouble());
                }
                in.restore(l);
            } else if (field == 2 && wire == WireReader.FIXED64) {
                addDouble(in.readDouble());
            } else if (field == 3) {
                readLongs(in, wire, tag);
            } else if (field == 4 && wire == WireReader.VARINT) {
                nextSeq = in.varint64();
            } else if (field == 5 && wire == WireReader.LENGTH_DELIMITED) {
                encoding = readEncoding(in);
            } else {
                skip(in, tag);
            }
        }
        return ZSetValue.fromParts(bytesA, nA, doubles, nDoubles, longs, nLongs, nextSeq, encoding);
    }

    private HashValue readHash(WireReader in) throws IOException {
        reset();
        String encoding = "";
        long nextSeq = 0;
        while (true) {
            int tag = in.tag();
            int field = tag >>> 3;
            int wire = tag & 7;
            if (tag == 0) {
                break;
            } else if (field == 1 && wire == WireReader.LENGTH_DELIMITED) {
                addA(in.bytes());
            } else if (field == 2 && wire == WireReader.LENGTH_DELIMITED) {
                addB(in.bytes());
            } else if (field == 3) {
                readLongs(in, wire, tag);
            } else if (field == 4 && wire == WireReader.VARINT) {
                nextSeq = in.varint64();
            } else if (field == 5 && wire == WireReader.LENGTH_DELIMITED) {
                encoding = readEncoding(in);
            } else {
                skip(in, tag);
            }
        }
        return HashValue.fromParts(bytesA, nA, bytesB, nB, longs, nLongs, nextSeq, encoding);
    }

    /** A repeated uint64 field (sequence deltas), packed or not. */
    private void readLongs(WireReader in, int wire, int tag) throws IOException {
        if (wire == WireReader.LENGTH_DELIMITED) {
            int l = in.limit(in.varint32());
            while (!in.atEnd()) {
                addLong(in.varint64());
            }
            in.restore(l);
        } else if (wire == WireReader.VARINT) {
            addLong(in.varint64());
        } else {
            skip(in, tag);
        }
    }

    /**
     * An encoding name: one of the known constants without allocating, else the text (which
     * the type then refuses by name).
     */
    private static String readEncoding(WireReader in) throws IOException {
        int n = in.varint32();
        int p = in.pos();
        in.skipBytes(n);
        byte[] a = in.array();
        for (int i = 0; i < ENCODING_BYTES.length; i++) {
            if (Arrays.equals(a, p, p + n, ENCODING_BYTES[i], 0, ENCODING_BYTES[i].length)) {
                return ENCODINGS[i];
            }
        }
        return new String(a, p, n, java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void skip(WireReader in, int tag) throws IOException {
        in.skipField(tag);
    }

    private void addA(byte[] b) {
        if (nA == bytesA.length) {
            bytesA = Arrays.copyOf(bytesA, nA * 2);
        }
        bytesA[nA++] = b;
    }

    private void addB(byte[] b) {
        if (nB == bytesB.length) {
            bytesB = Arrays.copyOf(bytesB, nB * 2);
        }
        bytesB[nB++] = b;
    }

    private void addLong(long v) {
        if (nLongs == longs.length) {
            longs = Arrays.copyOf(longs, nLongs * 2);
        }
        longs[nLongs++] = v;
    }

    private void addDouble(double v) {
        if (nDoubles == doubles.length) {
            doubles = Arrays.copyOf(doubles, nDoubles * 2);
        }
        doubles[nDoubles++] = v;
    }

    private void addInt(int v) {
        if (nInts == ints.length) {
            ints = Arrays.copyOf(ints, nInts * 2);
        }
        ints[nInts++] = v;
    }
}
