package io.vellum.snapshot;

import com.google.protobuf.CodedInputStream;
import io.vellum.core.types.StoredValueReader;
import io.vellum.core.types.Value;
import io.vellum.core.types.proto.StoredValue;
import io.vellum.snapshot.proto.Header;
import io.vellum.snapshot.proto.Scripts;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads a snapshot file in one pass (the layout at the top of {@code snapshot.proto}), handing
 * what it finds to a {@link Visitor}, and checks it as it goes: the magic, the format version,
 * every record's framing, the record count, and at the end the CRC-32C of everything before the
 * trailer. Any failure is a {@link SnapshotDamagedException} whose message says what is wrong
 * and where; the visitor may then have seen part of the file and must discard it.
 */
public final class SnapshotReader {
    /** Bytes read from the file at a time. */
    private static final int BUFFER = 1 << 20;

    private SnapshotReader() {
    }

    /** What a reader hands over, in file order, values as their stored messages (tools). */
    public interface Visitor {
        default void header(Header h) {
        }

        /** One key record; {@code seq} is the key's sequence number in its database. */
        void key(int db, byte[] key, long seq, boolean hasExpire, long expireAt, StoredValue value);

        default void scripts(Scripts s) {
        }
    }

    /**
     * What a reader hands over, in file order, values decoded straight into the store's value
     * types ({@link StoredValueReader}: no generated messages on the way; loading).
     */
    public interface ValueVisitor {
        default void header(Header h) {
        }

        /**
         * One key record; {@code seq} is the key's sequence number in its database. The key and
         * the value are the visitor's to keep.
         */
        void key(int db, byte[] key, long seq, boolean hasExpire, long expireAt, Value value);

        default void scripts(Scripts s) {
        }
    }

    /** How key records' values are decoded and handed over: as messages, or as values. */
    private interface KeyHandler<V> {
        void header(Header h);

        V value(CodedInputStream in, int length) throws IOException;

        void key(int db, byte[] key, long seq, boolean hasExpire, long expireAt, V value);

        void scripts(Scripts s);
    }

    /** What a file held. */
    public record Summary(Header header, long records, long bytes, int crc) {
    }

    /**
     * Reads and verifies {@code file}.
     *
     * @throws SnapshotDamagedException when the file is not an intact snapshot (the message names
     *                                  the file, the byte offset and the reason)
     * @throws IOException              when the file cannot be read at all
     */
    public static Summary read(Path file, Visitor visitor) throws SnapshotDamagedException, IOException {
        return read(file, new KeyHandler<StoredValue>() {
            @Override
            public void header(Header h) {
                visitor.header(h);
            }

            @Override
            public StoredValue value(CodedInputStream in, int length) throws IOException {
                int limit = in.pushLimit(length);
                StoredValue v = StoredValue.parseFrom(in);
                in.popLimit(limit);
                return v;
            }

            @Override
            public void key(int db, byte[] key, long seq, boolean hasExpire, long expireAt, StoredValue value) {
                visitor.key(db, key, seq, hasExpire, expireAt, value);
            }

            @Override
            public void scripts(Scripts s) {
                visitor.scripts(s);
            }
        });
    }

    /**
     * Reads and verifies {@code file}, decoding values into the store's types (what loading
     * uses). A value that is not a valid one makes the file damaged, as a checksum would.
     *
     * @throws SnapshotDamagedException when the file is not an intact snapshot (the message names
     *                                  the file, the byte offset and the reason)
     * @throws IOException              when the file cannot be read at all
     */
    public static Summary readValues(Path file, ValueVisitor visitor) throws SnapshotDamagedException, IOException {
        StoredValueReader values = new StoredValueReader();
        return read(file, new KeyHandler<Value>() {
            @Override
            public void header(Header h) {
                visitor.header(h);
            }

            @Override
            public Value value(CodedInputStream in, int length) throws IOException {
                return values.read(in, length);
            }

            @Override
            public void key(int db, byte[] key, long seq, boolean hasExpire, long expireAt, Value value) {
                visitor.key(db, key, seq, hasExpire, expireAt, value);
            }

            @Override
            public void scripts(Scripts s) {
                visitor.scripts(s);
            }
        });
    }

    /**
     * The header of {@code file} alone (not verified against the checksum: the caller trusts a
     * snapshot it wrote, as retention does).
     *
     * @throws IOException when the file cannot be read or does not start as a snapshot
     */
    public static Header header(Path file) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
            return header(ch, file);
        }
    }

    /**
     * The header of the snapshot open in {@code ch} (read at its start, whatever the channel's
     * position; the position is left alone), as {@link #header(Path)}. {@code file} names it in
     * errors.
     */
    public static Header header(java.nio.channels.FileChannel ch, Path file) throws IOException {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(ch.size(), 1 << 16));
        while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
            // positional reads until the buffer is full or the file ends
        }
        CodedInputStream in = CodedInputStream.newInstance(buf.array(), 0, buf.position());
        if (buf.position() < SnapshotFormat.MAGIC.length
                || !Arrays.equals(in.readRawBytes(SnapshotFormat.MAGIC.length), SnapshotFormat.MAGIC)) {
            throw new IOException(file + " is not a Vellum snapshot (no magic)");
        }
        int limit = in.pushLimit(in.readRawVarint32());
        Header h = Header.parseFrom(in);
        in.popLimit(limit);
        return h;
    }

    private static <V> Summary read(Path file, KeyHandler<V> visitor) throws SnapshotDamagedException, IOException {
        long size = Files.size(file);
        long minimum = SnapshotFormat.MAGIC.length + 2 + SnapshotFormat.TRAILER_SIZE;
        if (size < minimum) {
            throw damaged(file, 0, "it is " + size + " bytes long, shorter than the smallest snapshot (" + minimum
                    + "): it was cut short", null);
        }
        long dataEnd = size - SnapshotFormat.TRAILER_SIZE;
        CRC32C crc = new CRC32C();
        CodedInputStream in;
        try (InputStream raw = new CrcPrefixStream(Files.newInputStream(file), dataEnd, crc)) {
            in = CodedInputStream.newInstance(raw, BUFFER);
            in.setSizeLimit(Integer.MAX_VALUE);
            long offset = 0;
            Header header;
            long n = 0;
            try {
                byte[] magic = in.readRawBytes(SnapshotFormat.MAGIC.length);
                if (!Arrays.equals(magic, SnapshotFormat.MAGIC)) {
                    throw damaged(file, 0, "it does not start with the snapshot magic \"VLMSNAP1\": not a Vellum snapshot", null);
                }
                offset = in.getTotalBytesRead();
                int len = in.readRawVarint32();
                int limit = in.pushLimit(len);
                header = Header.parseFrom(in);
                in.popLimit(limit);
                if (header.getFormatVersion() > SnapshotFormat.FORMAT_VERSION || header.getFormatVersion() < 1) {
                    throw damaged(file, offset, "its format version is " + header.getFormatVersion() + " and this build reads 1 to "
                            + SnapshotFormat.FORMAT_VERSION + " (written by a newer Vellum?)", null);
                }
                visitor.header(header);
                long[] seqs = new long[Math.max(1, header.getDatabases())];
                for (; n < header.getKeys(); n++) {
                    offset = in.getTotalBytesRead();
                    if (offset >= dataEnd) {
                        throw damaged(file, offset, "key record " + n + " of " + header.getKeys()
                                + " starts in the trailer: the file was cut short", null);
                    }
                    readKey(in, seqs, visitor);
                }
                offset = in.getTotalBytesRead();
                len = in.readRawVarint32();
                limit = in.pushLimit(len);
                Scripts scripts = Scripts.parseFrom(in);
                in.popLimit(limit);
                offset = in.getTotalBytesRead();
                if (offset != dataEnd) {
                    throw damaged(file, offset, "the trailer should start at byte " + dataEnd + " but the records end at byte "
                            + offset + ": the file was cut short or has bytes it should not", null);
                }
                visitor.scripts(scripts);
                if (in.readRawVarint32() != SnapshotFormat.TRAILER_SIZE - 1 || in.readTag() != 0x09) {
                    throw damaged(file, dataEnd, "the trailer is not where it should be (the last "
                            + SnapshotFormat.TRAILER_SIZE + " bytes): the file was cut short", null);
                }
                long records = in.readFixed64();
                if (in.readTag() != 0x15) {
                    throw damaged(file, dataEnd, "the trailer is malformed", null);
                }
                int stored = in.readFixed32();
                if (!in.isAtEnd()) {
                    throw damaged(file, size, "bytes follow the trailer", null);
                }
                int actual = (int) crc.getValue();
                if (stored != actual) {
                    throw damaged(file, dataEnd, String.format("its checksum does not match (CRC-32C stored %08x, computed %08x):"
                            + " some bytes changed after it was written", stored, actual), null);
                }
                if (records != n) {
                    throw damaged(file, dataEnd, "the trailer counts " + records + " key records but the file holds " + n, null);
                }
                return new Summary(header, n, size, actual);
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                long at = in.getTotalBytesRead();
                String why = e.getMessage() != null && e.getMessage().contains("ended unexpectedly")
                        ? "it ends in the middle of a record: the file was cut short"
                        : "a record cannot be decoded (" + e.getMessage() + ")";
                throw damaged(file, at, why + " (key record " + n + ")", e);
            } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
                throw damaged(file, in.getTotalBytesRead(), "a record holds an invalid value (" + e.getMessage()
                        + ") (key record " + n + ")", e);
            }
        }
    }

    private static <V> void readKey(CodedInputStream in, long[] seqs, KeyHandler<V> visitor) throws IOException {
        int len = in.readRawVarint32();
        int limit = in.pushLimit(len);
        int db = 0;
        byte[] key = null;
        long seqDelta = 0;
        boolean hasExpire = false;
        long expireAt = 0;
        V value = null;
        while (true) {
            int tag = in.readTag();
            switch (tag) {
                case 0 -> {
                    in.popLimit(limit);
                    if (key == null || value == null) {
                        throw new IllegalArgumentException("a key record without its key or value");
                    }
                    if (db < 0 || db >= seqs.length) {
                        throw new IllegalArgumentException("database " + db + " is beyond the snapshot's " + seqs.length);
                    }
                    long seq = seqs[db] + seqDelta;
                    if (seqDelta <= 0) {
                        throw new IllegalArgumentException("sequence numbers must grow within a database");
                    }
                    seqs[db] = seq;
                    visitor.key(db, key, seq, hasExpire, expireAt, value);
                    return;
                }
                case 0x08 -> db = in.readUInt32();
                case 0x12 -> key = in.readByteArray();
                case 0x18 -> seqDelta = in.readUInt64();
                case 0x20 -> {
                    hasExpire = true;
                    expireAt = in.readInt64();
                }
                case 0x2a -> value = visitor.value(in, in.readRawVarint32());
                default -> {
                    if (!in.skipField(tag)) {
                        throw new IllegalArgumentException("an end-group tag in a key record");
                    }
                }
            }
        }
    }

    private static SnapshotDamagedException damaged(Path file, long offset, String why, Throwable cause) {
        return new SnapshotDamagedException("Snapshot " + file + " is damaged at byte " + offset + ": " + why, cause);
    }

    /** Updates a CRC with the bytes read before {@code limit}, as they are read. */
    private static final class CrcPrefixStream extends FilterInputStream {
        private final long limit;
        private final CRC32C crc;
        private long pos;

        CrcPrefixStream(InputStream in, long limit, CRC32C crc) {
            super(in);
            this.limit = limit;
            this.crc = crc;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                if (pos < limit) {
                    crc.update(b);
                }
                pos++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                if (pos < limit) {
                    crc.update(b, off, (int) Math.min(n, limit - pos));
                }
                pos += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[8192];
            long done = 0;
            while (done < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - done));
                if (r < 0) {
                    break;
                }
                done += r;
            }
            return done;
        }
    }
}
