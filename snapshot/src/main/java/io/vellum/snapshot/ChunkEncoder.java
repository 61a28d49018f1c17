package io.vellum.snapshot;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.vellum.core.types.StoredValueWriter;
import io.vellum.core.types.Value;
import io.vellum.core.types.proto.StoredValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * Encodes the parts of a snapshot file (snapshot.proto's layout) into chunks of bytes and hands
 * each full chunk to a consumer (the file writer). Key records are written by hand rather than
 * through a KeyRecord builder: one message object less per key, and the value goes straight
 * from the type's StoredValue (or from bytes serialized earlier by copy-on-write).
 *
 * <p>Single-threaded (the engine thread).
 */
final class ChunkEncoder {
    static final int CHUNK = 256 * 1024;
    private static final int TAG_DB = 0x08;
    private static final int TAG_KEY = 0x12;
    private static final int TAG_SEQ = 0x18;
    private static final int TAG_EXPIRE = 0x20;
    private static final int TAG_VALUE = 0x2a;

    private final Consumer<ByteBuffer> sink;
    private byte[] buf;
    private CodedOutputStream out;
    private long bytes;

    private final java.util.function.Supplier<byte[]> chunks;

    ChunkEncoder(Consumer<ByteBuffer> sink) {
        this(sink, () -> null);
    }

    /**
     * {@code chunks} gives a {@link #CHUNK}-byte array the sink is done with, or null for a new
     * one: a snapshot then reuses a few dozen arrays instead of leaving its whole size behind
     * for the garbage collector, whose pauses would stop clients during a BGSAVE.
     */
    ChunkEncoder(Consumer<ByteBuffer> sink, java.util.function.Supplier<byte[]> chunks) {
        this.sink = sink;
        this.chunks = chunks;
        newChunk(CHUNK);
    }

    private void newChunk(int size) {
        byte[] reused = size == CHUNK ? chunks.get() : null;
        buf = reused != null ? reused : new byte[size];
        out = CodedOutputStream.newInstance(buf);
    }

    private void ensure(int n) {
        if (out.spaceLeft() < n) {
            flush();
            if (n > CHUNK) {
                newChunk(n);
            }
        }
    }

    /** Hands the bytes encoded so far to the sink. */
    void flush() {
        int len = out.getTotalBytesWritten();
        if (len > 0) {
            sink.accept(ByteBuffer.wrap(buf, 0, len));
            bytes += len;
            newChunk(CHUNK);
        }
    }

    /** Bytes handed to the sink so far. */
    long bytesFlushed() {
        return bytes;
    }

    /** Bytes encoded but not yet handed over. */
    int pending() {
        return out.getTotalBytesWritten();
    }

    void magic() {
        ensure(SnapshotFormat.MAGIC.length);
        write(() -> out.writeRawBytes(SnapshotFormat.MAGIC));
    }

    /** A delimited message (Header, Scripts). */
    void delimited(MessageLite m) {
        int size = m.getSerializedSize();
        ensure(CodedOutputStream.computeUInt32SizeNoTag(size) + size);
        write(() -> {
            out.writeUInt32NoTag(size);
            m.writeTo(out);
        });
    }

    /**
     * A delimited KeyRecord whose value is either {@code value} or, when it is null, the bytes
     * of a StoredValue serialized earlier.
     */
    void key(int db, byte[] key, long seqDelta, boolean hasExpire, long expireAt, StoredValue value, byte[] valueBytes) {
        int vs = value != null ? value.getSerializedSize() : valueBytes.length;
        keyHead(db, key, seqDelta, hasExpire, expireAt, vs);
        try {
            if (value != null) {
                value.writeTo(out);
            } else {
                out.writeRawBytes(valueBytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot encoding overflowed its buffer (a size computation is wrong)", e);
        }
    }

    /**
     * A delimited KeyRecord holding {@code value}. Strings (most keys) and collections are
     * written straight from the value ({@link StoredValueWriter}), the rest through its message.
     */
    void key(int db, byte[] key, long seqDelta, boolean hasExpire, long expireAt, Value value) {
        int size = StoredValueWriter.size(value);
        if (size < 0) {
            key(db, key, seqDelta, hasExpire, expireAt, value.toProto(), null);
            return;
        }
        keyHead(db, key, seqDelta, hasExpire, expireAt, size);
        write(() -> StoredValueWriter.write(value, out));
    }

    /** A KeyRecord up to its value's bytes, which follow ({@code vs} of them). */
    private void keyHead(int db, byte[] key, long seqDelta, boolean hasExpire, long expireAt, int vs) {
        int body = (db != 0 ? 1 + CodedOutputStream.computeUInt32SizeNoTag(db) : 0)
                + 1 + CodedOutputStream.computeByteArraySizeNoTag(key)
                + (seqDelta != 0 ? 1 + CodedOutputStream.computeUInt64SizeNoTag(seqDelta) : 0)
                + (hasExpire ? 1 + CodedOutputStream.computeInt64SizeNoTag(expireAt) : 0)
                + 1 + CodedOutputStream.computeUInt32SizeNoTag(vs) + vs;
        ensure(CodedOutputStream.computeUInt32SizeNoTag(body) + body);
        try {
            out.writeUInt32NoTag(body);
            if (db != 0) {
                out.writeUInt32NoTag(TAG_DB);
                out.writeUInt32NoTag(db);
            }
            out.writeUInt32NoTag(TAG_KEY);
            out.writeByteArrayNoTag(key);
            if (seqDelta != 0) {
                out.writeUInt32NoTag(TAG_SEQ);
                out.writeUInt64NoTag(seqDelta);
            }
            if (hasExpire) {
                out.writeUInt32NoTag(TAG_EXPIRE);
                out.writeInt64NoTag(expireAt);
            }
            out.writeUInt32NoTag(TAG_VALUE);
            out.writeUInt32NoTag(vs);
        } catch (IOException e) {
            throw new UncheckedIOException("snapshot encoding overflowed its buffer (a size computation is wrong)", e);
        }
    }

    private interface Write {
        void run() throws IOException;
    }

    private void write(Write w) {
        try {
            w.run();
        } catch (IOException e) {
            // CodedOutputStream over an array only throws when the computed size was wrong
            throw new UncheckedIOException("snapshot encoding overflowed its buffer (a size computation is wrong)", e);
        }
    }

    /** The trailer's bytes (snapshot.proto: fixed size, {@link SnapshotFormat#TRAILER_SIZE}). */
    static byte[] trailer(long records, int crc) {
        byte[] b = new byte[SnapshotFormat.TRAILER_SIZE];
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        try {
            o.writeUInt32NoTag(SnapshotFormat.TRAILER_SIZE - 1);
            o.writeFixed64(1, records);
            o.writeFixed32(2, crc);
            o.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b;
    }
}
