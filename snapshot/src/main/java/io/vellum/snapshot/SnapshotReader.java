package io.vellum.snapshot;

import io.vellum.core.types.StoredValueReader;
import io.vellum.core.util.WireReader;
import io.vellum.core.types.Value;
import io.vellum.core.types.proto.StoredValue;
import io.vellum.snapshot.proto.Header;
import io.vellum.snapshot.proto.Scripts;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
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

        V value(WireReader in, int length) throws IOException;

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
            public StoredValue value(WireReader in, int length) throws IOException {
                int p = in.pos();
                in.skipBytes(length);
                return StoredValue.parser().parseFrom(in.array(), p, length);
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
            public Value value(WireReader in, int length) throws IOException {
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
        com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(buf.array(), 0, buf.position());
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
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            long minimum = SnapshotFormat.MAGIC.length + 2 + SnapshotFormat.TRAILER_SIZE;
            if (size < minimum) {
                throw damaged(file, 0, "it is " + size + " bytes long, shorter than the smallest snapshot (" + minimum
                        + "): it was cut short", null);
            }
            long dataEnd = size - SnapshotFormat.TRAILER_SIZE;
            Chunks in = new Chunks(ch, dataEnd);
            WireReader wire = new WireReader();
            long n = 0;
            long offset = 0;
            try {
                if (!in.fill(SnapshotFormat.MAGIC.length) || !Arrays.equals(in.buf, in.pos, in.pos + SnapshotFormat.MAGIC.length,
                        SnapshotFormat.MAGIC, 0, SnapshotFormat.MAGIC.length)) {
                    throw damaged(file, 0, "it does not start with the snapshot magic \"VLMSNAP1\": not a Vellum snapshot", null);
                }
                in.pos += SnapshotFormat.MAGIC.length;
                offset = in.offset();
                int len = in.message(file, wire, -1);
                Header header = Header.parser().parseFrom(in.buf, in.pos, len);
                in.pos += len;
                if (header.getFormatVersion() > SnapshotFormat.FORMAT_VERSION || header.getFormatVersion() < 1) {
                    throw damaged(file, offset, "its format version is " + header.getFormatVersion() + " and this build reads 1 to "
                            + SnapshotFormat.FORMAT_VERSION + " (written by a newer Vellum?)", null);
                }
                visitor.header(header);
                long[] seqs = new long[Math.max(1, header.getDatabases())];
                for (; n < header.getKeys(); n++) {
                    offset = in.offset();
                    if (offset >= dataEnd) {
                        throw damaged(file, offset, "key record " + n + " of " + header.getKeys()
                                + " starts in the trailer: the file was cut short", null);
                    }
                    len = in.message(file, wire, n);
                    wire.reset(in.buf, in.pos, in.pos + len);
                    in.pos += len;
                    readKey(wire, seqs, visitor);
                }
                offset = in.offset();
                len = in.message(file, wire, -2);
                Scripts scripts = Scripts.parser().parseFrom(in.buf, in.pos, len);
                in.pos += len;
                offset = in.offset();
                if (offset != dataEnd) {
                    throw damaged(file, offset, "the trailer should start at byte " + dataEnd + " but the records end at byte "
                            + offset + ": the file was cut short or has bytes it should not", null);
                }
                visitor.scripts(scripts);
                return new Summary(header, n, size, checkTrailer(file, ch, dataEnd, in.crc(), n));
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw damaged(file, offset, "a record cannot be decoded (" + e.getMessage() + ") (key record " + n + ")", e);
            } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
                throw damaged(file, offset, "a record holds an invalid value (" + e.getMessage()
                        + ") (key record " + n + ")", e);
            }
        }
    }

    /** Checks the trailer (the last bytes) against the records read and the checksum; returns the checksum. */
    private static int checkTrailer(Path file, FileChannel ch, long dataEnd, int actual, long n)
            throws SnapshotDamagedException, IOException {
        ByteBuffer t = ByteBuffer.allocate(SnapshotFormat.TRAILER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        while (t.hasRemaining() && ch.read(t, dataEnd + t.position()) > 0) {
            // positional reads to the end of the file
        }
        if (t.hasRemaining() || t.get(0) != SnapshotFormat.TRAILER_SIZE - 1 || t.get(1) != 0x09) {
            throw damaged(file, dataEnd, "the trailer is not where it should be (the last "
                    + SnapshotFormat.TRAILER_SIZE + " bytes): the file was cut short", null);
        }
        long records = t.getLong(2);
        if (t.get(10) != 0x15) {
            throw damaged(file, dataEnd, "the trailer is malformed", null);
        }
        int stored = t.getInt(11);
        if (stored != actual) {
            throw damaged(file, dataEnd, String.format("its checksum does not match (CRC-32C stored %08x, computed %08x):"
                    + " some bytes changed after it was written", stored, actual), null);
        }
        if (records != n) {
            throw damaged(file, dataEnd, "the trailer counts " + records + " key records but the file holds " + n, null);
        }
        return actual;
    }

    private static <V> void readKey(WireReader in, long[] seqs, KeyHandler<V> visitor) throws IOException {
        int db = 0;
        byte[] key = null;
        long seqDelta = 0;
        boolean hasExpire = false;
        long expireAt = 0;
        V value = null;
        while (true) {
            int tag = in.tag();
            switch (tag) {
                case 0 -> {
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
                case 0x08 -> db = in.varint32();
                case 0x12 -> key = in.bytes();
                case 0x18 -> seqDelta = in.varint64();
                case 0x20 -> {
                    hasExpire = true;
                    expireAt = in.varint64();
                }
                case 0x2a -> value = visitor.value(in, in.varint32());
                default -> in.skipField(tag);
            }
        }
    }

    private static SnapshotDamagedException damaged(Path file, long offset, String why, Throwable cause) {
        return new SnapshotDamagedException("Snapshot " + file + " is damaged at byte " + offset + ": " + why, cause);
    }

    /**
     * The file's bytes before the trailer, read into an array a megabyte at a time (more for a
     * record that does not fit) and checksummed as they are read. {@code buf[pos, lim)} holds
     * the bytes from file offset {@code base + pos} on.
     */
    private static final class Chunks {
        private final FileChannel ch;
        private final long dataEnd;
        private final CRC32C crc = new CRC32C();
        private byte[] buf = new byte[BUFFER];
        private int pos;
        private int lim;
        private long base;

        Chunks(FileChannel ch, long dataEnd) {
            this.ch = ch;
            this.dataEnd = dataEnd;
        }

        long offset() {
            return base + pos;
        }

        int crc() {
            return (int) crc.getValue();
        }

        /** Makes {@code n} bytes available at {@code pos}; false when the data ends before. */
        boolean fill(int n) throws IOException {
            if (lim - pos >= n) {
                return true;
            }
            if (n > dataEnd - offset()) {
                return false;
            }
            if (n > buf.length) {
                buf = Arrays.copyOfRange(buf, pos, pos + Math.max(n, buf.length * 2));
            } else {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
            }
            base += pos;
            lim -= pos;
            pos = 0;
            while (lim < n) {
                int want = (int) Math.min(buf.length - lim, dataEnd - (base + lim));
                int r = ch.read(ByteBuffer.wrap(buf, lim, want));
                if (r <= 0) {
                    return false; // the file shrank under us
                }
                crc.update(buf, lim, r);
                lim += r;
            }
            return true;
        }

        /**
         * Reads a length-delimited message's length and makes its bytes available at
         * {@code pos}; a message that runs past the data was cut short. {@code record} names it
         * in errors: a key record's number, -1 the header, -2 the scripts section.
         */
        int message(Path file, WireReader wire, long record) throws IOException, SnapshotDamagedException {
            long at = offset();
            fill((int) Math.min(10, dataEnd - at));
            wire.reset(buf, pos, lim);
            int len;
            try {
                len = wire.varint32();
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw damaged(file, at, "it ends in the middle of a record: the file was cut short (" + name(record) + ")", e);
            }
            pos = wire.pos();
            if (len < 0 || !fill(len)) {
                throw damaged(file, at, "it ends in the middle of a record: the file was cut short (" + name(record) + " of "
                        + len + " bytes)", null);
            }
            return len;
        }

        private static String name(long record) {
            return record == -1 ? "the header" : record == -2 ? "the scripts section" : "key record " + record;
        }
    }
}
