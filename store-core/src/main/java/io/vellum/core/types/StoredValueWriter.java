package io.vellum.core.types;

import com.google.protobuf.CodedOutputStream;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.data.ZSkipList;
import java.io.IOException;

/**
 * Writes a string, a hash, a set or a sorted set as its {@code StoredValue} message
 * ({@code values.proto}) straight from the value, byte for byte what {@code toProto().writeTo()}
 * writes, without building the generated messages: a BGSAVE encodes every key of the dataset on
 * the engine thread (and a key a unit changes before the snapshot wrote it, on that unit's time),
 * and the builders, ByteString wrappers and lists of a message per collection were tens of
 * objects a key, garbage whose collections paused the clients during the snapshot. Other values
 * (lists, intsets, streams) go through {@code toProto}: {@link #size} answers -1 for them.
 *
 * <p>proto3 writes fields in number order, repeated numbers packed, and leaves out a zero
 * next_seq and an empty encoding; so does this.
 *
 * <p>Engine thread only, like the values it reads.
 */
public final class StoredValueWriter {
    private StoredValueWriter() {
    }

    /** The serialized size of {@code v}'s StoredValue, or -1 when this writer does not encode its type. */
    public static int size(Value v) {
        int inner;
        int field;
        if (v instanceof StringValue s) {
            inner = stringSize(s);
            field = 1;
        } else if (v instanceof HashValue h) {
            inner = hashSize(h);
            field = 5;
        } else if (v instanceof SetValue s && !s.isIntset()) {
            inner = setSize(s);
            field = 3;
        } else if (v instanceof ZSetValue z) {
            inner = zsetSize(z);
            field = 4;
        } else {
            return -1;
        }
        return CodedOutputStream.computeTagSize(field) + CodedOutputStream.computeUInt32SizeNoTag(inner) + inner;
    }

    /** Writes {@code v}'s StoredValue; {@link #size} must have answered its size (not -1). */
    public static void write(Value v, CodedOutputStream out) throws IOException {
        if (v instanceof StringValue s) {
            out.writeTag(1, 2);
            out.writeUInt32NoTag(stringSize(s));
            writeString(s, out);
        } else if (v instanceof HashValue h) {
            out.writeTag(5, 2);
            out.writeUInt32NoTag(hashSize(h));
            writeHash(h, out);
        } else if (v instanceof SetValue s && !s.isIntset()) {
            out.writeTag(3, 2);
            out.writeUInt32NoTag(setSize(s));
            writeSet(s, out);
        } else if (v instanceof ZSetValue z) {
            out.writeTag(4, 2);
            out.writeUInt32NoTag(zsetSize(z));
            writeZSet(z, out);
        } else {
            throw new IllegalArgumentException("not encoded here: " + v.type());
        }
    }

    /** {@code v}'s StoredValue as bytes (a copy-on-write of a key the snapshot has not written yet). */
    public static byte[] toBytes(Value v) {
        int size = size(v);
        if (size < 0) {
            return v.toProto().toByteArray();
        }
        byte[] b = new byte[size];
        CodedOutputStream out = CodedOutputStream.newInstance(b);
        try {
            write(v, out);
            out.checkNoSpaceLeft();
        } catch (IOException e) {
            throw new IllegalStateException("a stored value's size computation is wrong", e);
        }
        return b;
    }

    // ------------------------------------------------------------------ string: value=1 raw=2 never_int=3

    private static int stringSize(StringValue s) {
        int len = s.length();
        return (len > 0 ? 1 + CodedOutputStream.computeUInt32SizeNoTag(len) + len : 0) + (s.isRaw() ? 2 : 0)
                + (s.isNeverInt() ? 2 : 0);
    }

    private static void writeString(StringValue s, CodedOutputStream out) throws IOException {
        int len = s.length();
        if (len > 0) {
            out.writeTag(1, 2);
            out.writeUInt32NoTag(len);
            out.writeRawBytes(s.array(), 0, len); // not bytes(): that would give up the value's own buffer
        }
        if (s.isRaw()) {
            out.writeBool(2, true);
        }
        if (s.isNeverInt()) {
            out.writeBool(3, true);
        }
    }

    // ------------------------------------------------------------------ hash: field=1 value=2 seq_delta=3 next_seq=4 encoding=5

    private static int hashSize(HashValue h) {
        OrderedDict<byte[]> d = h.entries();
        int size = 0;
        for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
            size += 2 + CodedOutputStream.computeByteArraySizeNoTag(d.keyAt(e))
                    + CodedOutputStream.computeByteArraySizeNoTag(d.valueAt(e));
        }
        return size + tail(d, 3, h.encoding());
    }

    private static void writeHash(HashValue h, CodedOutputStream out) throws IOException {
        OrderedDict<byte[]> d = h.entries();
        for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
            out.writeByteArray(1, d.keyAt(e));
        }
        for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
            out.writeByteArray(2, d.valueAt(e));
        }
        writeTail(d, 3, h.encoding(), out);
    }

    // ------------------------------------------------------------------ set: member=1 seq_delta=2 next_seq=3 encoding=4

    private static int setSize(SetValue s) {
        OrderedDict<Boolean> d = s.dict();
        int size = 0;
        for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
            size += 1 + CodedOutputStream.computeByteArraySizeNoTag(d.keyAt(e));
        }
        return size + tail(d, 2, s.encoding());
    }

    private static void writeSet(SetValue s, CodedOutputStream out) throws IOException {
        OrderedDict<Boolean> d = s.dict();
        for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
            out.writeByteArray(1, d.keyAt(e));
        }
        writeTail(d, 2, s.encoding(), out);
    }

    // ------------------------------------------------------------------ zset: member=1 score=2 seq_delta=3 next_seq=4 encoding=5

    private static int zsetSize(ZSetValue z) {
        OrderedDict<ZSkipList.Node> d = z.dict();
        int size = 0;
        int n = 0;
        for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
            size += 1 + CodedOutputStream.computeByteArraySizeNoTag(d.valueAt(e).member());
            n++;
        }
        if (n > 0) {
            size += 1 + CodedOutputStream.computeUInt32SizeNoTag(8 * n) + 8 * n;
        }
        return size + tail(d, 3, z.encoding());
    }

    private static void writeZSet(ZSetValue z, CodedOutputStream out) throws IOException {
        OrderedDict<ZSkipList.Node> d = z.dict();
        int n = 0;
        for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
            out.writeByteArray(1, d.valueAt(e).member());
            n++;
        }
        if (n > 0) {
            out.writeTag(2, 2);
            out.writeUInt32NoTag(8 * n);
            for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
                out.writeDoubleNoTag(d.valueAt(e).score());
            }
        }
        writeTail(d, 3, z.encoding(), out);
    }

    // ------------------------------------------------------------------ the fields every collection ends with

    /** The size of seq_delta (field {@code seqField}, packed), next_seq and encoding (the two after it). */
    private static int tail(OrderedDict<?> d, int seqField, String encoding) {
        int deltas = deltasSize(d);
        int size = deltas > 0 ? 1 + CodedOutputStream.computeUInt32SizeNoTag(deltas) + deltas : 0;
        if (d.nextSeq() != 0) {
            size += 1 + CodedOutputStream.computeUInt64SizeNoTag(d.nextSeq());
        }
        if (!encoding.isEmpty()) {
            size += CodedOutputStream.computeStringSize(seqField + 2, encoding);
        }
        return size;
    }

    private static void writeTail(OrderedDict<?> d, int seqField, String encoding, CodedOutputStream out) throws IOException {
        int deltas = deltasSize(d);
        if (deltas > 0) {
            out.writeTag(seqField, 2);
            out.writeUInt32NoTag(deltas);
            long prev = 0;
            for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
                long seq = d.seqAt(e);
                out.writeUInt64NoTag(seq - prev);
                prev = seq;
            }
        }
        if (d.nextSeq() != 0) {
            out.writeUInt64(seqField + 1, d.nextSeq());
        }
        if (!encoding.isEmpty()) {
            out.writeString(seqField + 2, encoding);
        }
    }

    private static int deltasSize(OrderedDict<?> d) {
        int size = 0;
        long prev = 0;
        for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
            long seq = d.seqAt(e);
            size += CodedOutputStream.computeUInt64SizeNoTag(seq - prev);
            prev = seq;
        }
        return size;
    }
}
