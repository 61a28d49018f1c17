package io.vellum.snapshot;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import io.vellum.snapshot.proto.Header;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Two whole-file operations on snapshots that a replica's full resync needs (the replication
 * module): checking a received file's checksum without decoding its records, and installing
 * another store's snapshot as one of this store's, covering a position of this store's log.
 * Both work on bytes, at disk speed.
 */
public final class SnapshotRebase {
    private static final int BUF = 1 << 16;

    private SnapshotRebase() {
    }

    /**
     * Checks the magic, the trailer's framing and the CRC-32C of everything before it (what
     * the snapshot's writer stored). The records are not decoded: loading checks those.
     *
     * @throws SnapshotDamagedException when the file is not an intact snapshot
     */
    public static void verifyChecksum(Path file) throws SnapshotDamagedException, IOException {
        long size = Files.size(file);
        if (size < SnapshotFormat.MAGIC.length + 2 + SnapshotFormat.TRAILER_SIZE) {
            throw damaged(file, "it is " + size + " bytes long: cut short");
        }
        long dataEnd = size - SnapshotFormat.TRAILER_SIZE;
        CRC32C crc = new CRC32C();
        byte[] magic = new byte[SnapshotFormat.MAGIC.length];
        byte[] trailer = new byte[SnapshotFormat.TRAILER_SIZE];
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocateDirect(BUF);
            long off = 0;
            while (off < dataEnd) {
                buf.clear().limit((int) Math.min(BUF, dataEnd - off));
                int n = ch.read(buf, off);
                if (n < 0) {
                    throw damaged(file, "it ends at byte " + off);
                }
                buf.flip();
                if (off < magic.length) {
                    buf.duplicate().get(magic, (int) off, (int) Math.min(magic.length - off, n));
                }
                crc.update(buf);
                off += n;
            }
            readFully(ch, ByteBuffer.wrap(trailer), dataEnd);
        }
        if (!Arrays.equals(magic, SnapshotFormat.MAGIC)) {
            throw damaged(file, "it does not start with the snapshot magic");
        }
        int stored = trailerCrc(file, trailer);
        if (stored != (int) crc.getValue()) {
            throw damaged(file, String.format("its checksum does not match (CRC-32C stored %08x, computed %08x)", stored,
                    (int) crc.getValue()));
        }
    }

    /**
     * Writes {@code source} (an intact snapshot, any store's) into the snapshot directory
     * {@code dir} as a snapshot covering {@code position} of this store's log: the same
     * records, its header's log position replaced, a new checksum; written atomically (temp
     * file, sync, rename, directory sync). Returns the new file. The header's base_serial
     * becomes 0 (unknown): the source's names a record of another log.
     */
    public static Path install(Path source, Path dir, long position) throws IOException, SnapshotDamagedException {
        return install(source, dir, position, 0);
    }

    /**
     * {@link #install(Path, Path, long)}, with {@code serial} the serial of the record at
     * {@code position} of this store's log (0: unknown), stored as the header's base_serial.
     */
    public static Path install(Path source, Path dir, long position, long serial)
            throws IOException, SnapshotDamagedException {
        Files.createDirectories(dir);
        Path target = dir.resolve(SnapshotFormat.fileName(position));
        Path tmp = dir.resolve(SnapshotFormat.fileName(position) + ".tmp");
        long size = Files.size(source);
        long dataEnd = size - SnapshotFormat.TRAILER_SIZE;
        CRC32C crc = new CRC32C();
        byte[] trailer = new byte[SnapshotFormat.TRAILER_SIZE];
        try (InputStream in = Files.newInputStream(source);
             OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                     StandardOpenOption.WRITE)) {
            byte[] magic = in.readNBytes(SnapshotFormat.MAGIC.length);
            if (!Arrays.equals(magic, SnapshotFormat.MAGIC)) {
                throw damaged(source, "it does not start with the snapshot magic");
            }
            int len = 0;
            int shift = 0;
            int lenBytes = 0;
            while (true) {
                int b = in.read();
                if (b < 0 || shift > 28) {
                    throw damaged(source, "its header length is malformed");
                }
                lenBytes++;
                len |= (b & 0x7f) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            byte[] headerBytes = in.readNBytes(len);
            if (headerBytes.length != len) {
                throw damaged(source, "it ends in its header");
            }
            Header rebased = Header.parseFrom(headerBytes).toBuilder().setLogPosition(position)
                    .setBaseSerial(position >= 0 ? Math.max(0, serial) : 0).build();
            byte[] head = new byte[CodedOutputStream.computeUInt32SizeNoTag(rebased.getSerializedSize())
                    + rebased.getSerializedSize()];
            CodedOutputStream hout = CodedOutputStream.newInstance(head);
            hout.writeUInt32NoTag(rebased.getSerializedSize());
            rebased.writeTo(hout);
            hout.flush();
            out.write(magic);
            out.write(head);
            crc.update(magic);
            crc.update(head);
            // The records and the scripts section, as they are.
            long left = dataEnd - (magic.length + lenBytes + len);
            byte[] buf = new byte[BUF];
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) {
                    throw damaged(source, "it ends before its trailer");
                }
                crc.update(buf, 0, n);
                out.write(buf, 0, n);
                left -= n;
            }
            if (in.readNBytes(trailer, 0, trailer.length) != trailer.length) {
                throw damaged(source, "it ends in its trailer");
            }
            CodedInputStream tin = CodedInputStream.newInstance(trailer);
            tin.readRawVarint32();
            if (tin.readTag() != 0x09) {
                throw damaged(source, "its trailer is malformed");
            }
            long records = tin.readFixed64();
            out.write(ChunkEncoder.trailer(records, (int) crc.getValue()));
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SnapshotStoreFiles.syncDirectory(dir);
        return target;
    }

    private static int trailerCrc(Path file, byte[] trailer) throws SnapshotDamagedException {
        try {
            CodedInputStream in = CodedInputStream.newInstance(trailer);
            if (in.readRawVarint32() != SnapshotFormat.TRAILER_SIZE - 1 || in.readTag() != 0x09) {
                throw damaged(file, "its trailer is not where it should be: cut short");
            }
            in.readFixed64();
            if (in.readTag() != 0x15) {
                throw damaged(file, "its trailer is malformed");
            }
            return in.readFixed32();
        } catch (IOException e) {
            throw damaged(file, "its trailer is malformed");
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, at + b.position()) < 0) {
                throw new java.io.EOFException();
            }
        }
    }

    private static SnapshotDamagedException damaged(Path file, String why) {
        return new SnapshotDamagedException("Snapshot " + file + " is damaged: " + why, null);
    }
}
