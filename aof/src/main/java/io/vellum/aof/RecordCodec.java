package io.vellum.aof;

import io.vellum.core.spi.UnitRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Encodes a {@link UnitRecord} as the protobuf {@code LogRecord} of {@code aof.proto} and
 * decodes it back, by hand: the append path reuses one buffer and allocates nothing, and the
 * replay path allocates only the arguments. The layout (field order, the trailing CRC-32C) is
 * documented at the top of {@code aof.proto}; {@code RecordCodecTest} checks that protobuf's
 * generated parser agrees with this class both ways.
 *
 * <p>An encoder instance is single-threaded (the engine thread owns the log's); decoding is
 * static and thread-safe.
 */
public final class RecordCodec {
    /**
     * The record format version, stored in every record. History (append only):
     * <ul>
     *   <li>1: the first format: format, kind, db, protocol, time_micros, seed, command,
     *       effect_digest, serial, crc32c.</li>
     *   <li>1 (compatible addition): script_state (field 16), written only by units that ran
     *       a script; readers that predate it skip it.</li>
     * </ul>
     */
    public static final int FORMAT_VERSION = 1;

    static final int TAG_FORMAT = 1 << 3;               // 0x08 varint
    static final int TAG_KIND = 2 << 3;                 // 0x10 varint
    static final int TAG_DB = 3 << 3;                   // 0x18 varint
    static final int TAG_PROTOCOL = 4 << 3;             // 0x20 varint
    static final int TAG_TIME = 5 << 3;                 // 0x28 varint
    static final int TAG_SEED = 6 << 3 | 1;             // 0x31 fixed64
    static final int TAG_COMMAND = 7 << 3 | 2;          // 0x3a length-delimited
    static final int TAG_DIGEST = 8 << 3 | 1;           // 0x41 fixed64
    static final int TAG_SERIAL = 9 << 3;               // 0x48 varint
    static final int TAG_SCRIPT_STATE = 16 << 3;        // 0x80 0x01 varint
    static final int TAG_CRC = 15 << 3 | 5;             // 0x7d fixed32
    static final int TAG_ARG = 1 << 3 | 2;              // 0x0a, inside Command
    /** The trailing crc32c field: its tag and 4 bytes. */
    static final int CRC_FIELD_SIZE = 5;

    private static final UnitRecord.Kind[] KINDS = UnitRecord.Kind.values();

    private final CRC32C crc = new CRC32C();
    /** Command names decoded recently ({@link #commandName}); a power of two. */
    private final byte[][] names = new byte[16][];
    private byte[] buf = new byte[512];
    private int len;

    /**
     * Encodes {@code r} as the log's record number {@code serial}; the bytes are
     * {@code buffer()[0, length())} until the next call.
     */
    public int encode(UnitRecord r, long serial) {
        List<byte[][]> commands = r.commands();
        int size = 1 + 1                                    // format
                + 1 + varintSize(r.kind().ordinal())
                + 1 + varintSize(r.db())
                + 1 + varintSize(r.protocol())
                + 1 + varintSize(r.timeMicros())
                + 1 + 8                                     // seed
                + 1 + 8                                     // effect digest
                + 1 + varintSize(serial)
                + CRC_FIELD_SIZE;
        boolean hasScriptState = r.scriptState() != UnitRecord.NO_SCRIPT_STATE;
        if (hasScriptState) {
            size += 2 + varintSize(r.scriptState());
        }
        for (int c = 0; c < commands.size(); c++) {
            int body = commandSize(commands.get(c));
            size += 1 + varintSize(body) + body;
        }
        if (buf.length < size) {
            buf = new byte[Math.max(size, buf.length * 2)];
        }
        byte[] b = buf;
        int p = 0;
        b[p++] = TAG_FORMAT;
        b[p++] = FORMAT_VERSION;
        b[p++] = TAG_KIND;
        p = putVarint(b, p, r.kind().ordinal());
        b[p++] = TAG_DB;
        p = putVarint(b, p, r.db());
        b[p++] = TAG_PROTOCOL;
        p = putVarint(b, p, r.protocol());
        b[p++] = TAG_TIME;
        p = putVarint(b, p, r.timeMicros());
        b[p++] = TAG_SEED;
        p = putFixed64(b, p, r.seed());
        for (int c = 0; c < commands.size(); c++) {
            byte[][] argv = commands.get(c);
            b[p++] = TAG_COMMAND;
            p = putVarint(b, p, commandSize(argv));
            for (byte[] arg : argv) {
                b[p++] = TAG_ARG;
                p = putVarint(b, p, arg.length);
                System.arraycopy(arg, 0, b, p, arg.length);
                p += arg.length;
            }
        }
        b[p++] = TAG_DIGEST;
        p = putFixed64(b, p, r.effectDigest());
        b[p++] = TAG_SERIAL;
        p = putVarint(b, p, serial);
        if (hasScriptState) {
            p = putVarint(b, p, TAG_SCRIPT_STATE);
            p = putVarint(b, p, r.scriptState());
        }
        crc.reset();
        crc.update(b, 0, p);
        b[p++] = (byte) TAG_CRC;
        p = putFixed32(b, p, (int) crc.getValue());
        assert p == size : p + " != " + size;
        len = p;
        return p;
    }

    public byte[] buffer() {
        return buf;
    }

    public int length() {
        return len;
    }

    private static int commandSize(byte[][] argv) {
        int n = 0;
        for (byte[] arg : argv) {
            n += 1 + varintSize(arg.length) + arg.length;
        }
        return n;
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Decodes the record in {@code b[off, off + len)}.
     *
     * @throws DamagedRecordException when the bytes are not an intact record of a known
     *                                format (checksum, framing, version, values)
     */
    public static UnitRecord decode(byte[] b, int off, int len) throws DamagedRecordException {
        return new RecordCodec().read(b, off, len, null);
    }

    /** {@link #read}, with a codec of its own (tools; the scanner keeps one). */
    public static UnitRecord decode(byte[] b, int off, int len, long[] serial) throws DamagedRecordException {
        return new RecordCodec().read(b, off, len, serial);
    }

    /**
     * Decodes the record in {@code b[off, off + len)}; its serial goes to {@code serial[0]}
     * (-1 when the record has none) when {@code serial} is not null. Reuses this codec's
     * checksum state: one thread at a time.
     */
    public UnitRecord read(byte[] b, int off, int len, long[] serial) throws DamagedRecordException {
        checkFrame(crc, b, off, len);
        int end = off + len - CRC_FIELD_SIZE;
        Reader in = new Reader(b, off, end);
        int format = -1;
        int kind = 0;
        int db = 0;
        int protocol = 2;
        long time = 0;
        long seed = 0;
        long digest = 0;
        long number = -1;
        long scriptState = UnitRecord.NO_SCRIPT_STATE;
        byte[][] first = null;
        List<byte[][]> more = null;
        while (in.pos < end) {
            int tag = (int) in.varint();
            switch (tag) {
                case TAG_FORMAT -> format = (int) in.varint();
                case TAG_KIND -> kind = (int) in.varint();
                case TAG_DB -> db = (int) in.varint();
                case TAG_PROTOCOL -> protocol = (int) in.varint();
                case TAG_TIME -> time = in.varint();
                case TAG_SEED -> seed = in.fixed64();
                case TAG_DIGEST -> digest = in.fixed64();
                case TAG_SERIAL -> number = in.varint();
                case TAG_SCRIPT_STATE -> scriptState = in.varint();
                case TAG_COMMAND -> {
                    int n = in.length();
                    byte[][] argv = decodeCommand(b, in.pos, in.pos + n, names);
                    if (first == null) {
                        first = argv;
                    } else {
                        if (more == null) {
                            more = new ArrayList<>();
                            more.add(first);
                        }
                        more.add(argv);
                    }
                    in.pos += n;
                }
                default -> in.skip(tag);
            }
        }
        if (format < 1) {
            throw new DamagedRecordException("record has no format version");
        }
        if (format > FORMAT_VERSION) {
            throw new DamagedRecordException("record format " + format + " is newer than this version reads ("
                    + FORMAT_VERSION + "): open the log with the Vellum that wrote it");
        }
        if (kind < 0 || kind >= KINDS.length) {
            throw new DamagedRecordException("unknown record kind " + kind);
        }
        if (first == null && KINDS[kind] != UnitRecord.Kind.LOST) {
            throw new DamagedRecordException("record holds no command");
        }
        // List.of: UnitRecord's copy of an unmodifiable list is the list itself.
        List<byte[][]> commands = first == null ? List.of() : more == null ? List.<byte[][]>of(first) : List.copyOf(more);
        if (serial != null) {
            serial[0] = number;
        }
        return new UnitRecord(KINDS[kind], db, protocol, time, seed, commands, digest, scriptState);
    }

    /**
     * The serial of the record in {@code b[off, off + len)} (-1 when it has none), its checksum,
     * framing and format checked as {@link #read} checks them, without decoding its commands:
     * a primary streaming its log to replicas sends the bytes as stored and needs only this.
     */
    public long readSerial(byte[] b, int off, int len) throws DamagedRecordException {
        checkFrame(crc, b, off, len);
        int end = off + len - CRC_FIELD_SIZE;
        Reader in = new Reader(b, off, end);
        int format = -1;
        long number = -1;
        int kind = 0;
        while (in.pos < end) {
            int tag = (int) in.varint();
            switch (tag) {
                case TAG_FORMAT -> format = (int) in.varint();
                case TAG_SERIAL -> number = in.varint();
                case TAG_KIND -> kind = (int) in.varint();
                default -> in.skip(tag);
            }
        }
        if (format < 1 || format > FORMAT_VERSION) {
            throw new DamagedRecordException(format < 1 ? "record has no format version" : "record format " + format
                    + " is newer than this version reads (" + FORMAT_VERSION + "): open the log with the Vellum that wrote it");
        }
        if (kind < 0 || kind >= KINDS.length) {
            throw new DamagedRecordException("unknown record kind " + kind);
        }
        lastKind = KINDS[kind];
        return number;
    }

    private UnitRecord.Kind lastKind;

    /** The kind of the record {@link #readSerial} read last (a stand-in must be told apart without decoding). */
    public UnitRecord.Kind lastKind() {
        return lastKind;
    }

    private static void checkFrame(CRC32C crc, byte[] b, int off, int len) throws DamagedRecordException {
        if (len < CRC_FIELD_SIZE + 2) {
            throw new DamagedRecordException("record too short (" + len + " bytes)");
        }
        int end = off + len - CRC_FIELD_SIZE;
        if ((b[end] & 0xff) != TAG_CRC) {
            throw new DamagedRecordException("record does not end with its checksum (cut or overwritten)");
        }
        int stored = getFixed32(b, end + 1);
        crc.reset();
        crc.update(b, off, len - CRC_FIELD_SIZE);
        if ((int) crc.getValue() != stored) {
            throw new DamagedRecordException(String.format("checksum mismatch (stored %08x, computed %08x)",
                    stored, (int) crc.getValue()));
        }
    }

    private static byte[][] decodeCommand(byte[] b, int from, int to, byte[][] names) throws DamagedRecordException {
        // Count the arguments first so argv is allocated once at its size.
        Reader in = new Reader(b, from, to);
        int count = 0;
        while (in.pos < to) {
            int tag = (int) in.varint();
            if (tag == TAG_ARG) {
                int n = in.length();
                in.pos += n;
                count++;
            } else {
                in.skip(tag);
            }
        }
        if (count == 0) {
            throw new DamagedRecordException("command has no arguments");
        }
        byte[][] argv = new byte[count][];
        in.pos = from;
        int i = 0;
        while (in.pos < to) {
            int tag = (int) in.varint();
            if (tag == TAG_ARG) {
                int n = in.length();
                byte[] arg;
                if (i == 0) {
                    arg = commandName(names, b, in.pos, n);
                } else {
                    arg = new byte[n];
                    System.arraycopy(b, in.pos, arg, 0, n);
                }
                argv[i++] = arg;
                in.pos += n;
            } else {
                in.skip(tag);
            }
        }
        return argv;
    }

    /**
     * The command name {@code b[off, off + n)} as an array: the one decoded last with these
     * bytes when {@code names} (this codec's few) holds it. A log repeats a handful of command
     * names, and a record's arguments are never modified ({@link UnitRecord}), so the records
     * can share them: a replica or a replay allocates one array less per command.
     */
    private static byte[] commandName(byte[][] names, byte[] b, int off, int n) {
        int slot = (n + (n > 0 ? b[off] : 0) + (n > 1 ? b[off + 1] << 2 : 0)) & (names.length - 1);
        byte[] c = names[slot];
        if (c != null && java.util.Arrays.equals(c, 0, c.length, b, off, off + n)) {
            return c;
        }
        c = java.util.Arrays.copyOfRange(b, off, off + n);
        if (n <= 32) {
            names[slot] = c;
        }
        return c;
    }

    /** A bounds-checked cursor over protobuf fields. */
    private static final class Reader {
        final byte[] b;
        final int end;
        int pos;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        long varint() throws DamagedRecordException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new DamagedRecordException("field cut short");
                }
                byte x = b[pos++];
                v |= (long) (x & 0x7f) << shift;
                if (x >= 0) {
                    return v;
                }
            }
            throw new DamagedRecordException("malformed varint");
        }

        int length() throws DamagedRecordException {
            long n = varint();
            if (n < 0 || n > end - pos) {
                throw new DamagedRecordException("field length " + n + " runs past the record");
            }
            return (int) n;
        }

        long fixed64() throws DamagedRecordException {
            if (end - pos < 8) {
                throw new DamagedRecordException("field cut short");
            }
            long v = getFixed64(b, pos);
            pos += 8;
            return v;
        }

        void skip(int tag) throws DamagedRecordException {
            switch (tag & 7) {
                case 0 -> varint();
                case 1 -> fixed64();
                case 2 -> {
                    int n = length();
                    pos += n;
                }
                case 5 -> {
                    if (end - pos < 4) {
                        throw new DamagedRecordException("field cut short");
                    }
                    pos += 4;
                }
                default -> throw new DamagedRecordException("malformed field tag " + tag);
            }
            if (tag >>> 3 == 0) {
                throw new DamagedRecordException("field number 0");
            }
        }
    }

    // ------------------------------------------------------------------ primitives

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int putVarint(byte[] b, int p, long v) {
        while ((v & ~0x7FL) != 0) {
            b[p++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        b[p++] = (byte) v;
        return p;
    }

    private static int putFixed64(byte[] b, int p, long v) {
        for (int i = 0; i < 8; i++) {
            b[p++] = (byte) (v >>> (8 * i));
        }
        return p;
    }

    private static int putFixed32(byte[] b, int p, int v) {
        for (int i = 0; i < 4; i++) {
            b[p++] = (byte) (v >>> (8 * i));
        }
        return p;
    }

    private static long getFixed64(byte[] b, int p) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[p + i] & 0xff);
        }
        return v;
    }

    private static int getFixed32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }
}
