package io.vellum.aof;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.vellum.aof.proto.Command;
import io.vellum.aof.proto.Kind;
import io.vellum.aof.proto.LogRecord;
import io.vellum.core.spi.UnitRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    static byte[][] argv(String... args) {
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return a;
    }

    static UnitRecord set(String k, String v) {
        return new UnitRecord(UnitRecord.Kind.COMMAND, 0, 2, 1_700_000_000_000_000L, 0x0102030405060708L,
                List.<byte[][]>of(argv("SET", k, v)), 0x1122334455667788L);
    }

    static byte[] encode(UnitRecord r) {
        RecordCodec c = new RecordCodec();
        int n = c.encode(r, 1);
        return Arrays.copyOf(c.buffer(), n);
    }

    static void assertSameRecord(UnitRecord a, UnitRecord b) {
        assertEquals(a.kind(), b.kind());
        assertEquals(a.db(), b.db());
        assertEquals(a.protocol(), b.protocol());
        assertEquals(a.timeMicros(), b.timeMicros());
        assertEquals(a.seed(), b.seed());
        assertEquals(a.effectDigest(), b.effectDigest());
        assertEquals(a.scriptState(), b.scriptState());
        assertEquals(a.commands().size(), b.commands().size());
        for (int i = 0; i < a.commands().size(); i++) {
            assertEquals(a.commands().get(i).length, b.commands().get(i).length);
            for (int j = 0; j < a.commands().get(i).length; j++) {
                assertArrayEquals(a.commands().get(i)[j], b.commands().get(i)[j]);
            }
        }
    }

    static UnitRecord random(Random rnd) {
        UnitRecord.Kind kind = UnitRecord.Kind.values()[rnd.nextInt(3)];
        int n = kind == UnitRecord.Kind.TRANSACTION ? 1 + rnd.nextInt(4) : 1;
        List<byte[][]> cmds = new ArrayList<>();
        for (int c = 0; c < n; c++) {
            byte[][] a = new byte[1 + rnd.nextInt(5)][];
            for (int i = 0; i < a.length; i++) {
                a[i] = new byte[rnd.nextInt(4) == 0 ? rnd.nextInt(300) : rnd.nextInt(12)];
                rnd.nextBytes(a[i]);
            }
            cmds.add(a);
        }
        long time = rnd.nextBoolean() ? rnd.nextLong() : 1_700_000_000_000_000L + rnd.nextInt(1_000_000);
        long scriptState = rnd.nextBoolean() ? UnitRecord.NO_SCRIPT_STATE : rnd.nextLong() & ((1L << 48) - 1);
        return new UnitRecord(kind, rnd.nextInt(16), 2 + rnd.nextInt(2), time, rnd.nextLong(), cmds, rnd.nextLong(), scriptState);
    }

    @Test
    void goldenRecordIsFrozen() throws Exception {
        // The example at the top of aof.proto. A change here changes what is on disk: a new
        // FORMAT_VERSION, never an edit of this test.
        byte[] expected = HexFormat.of().parseHex("0801100018002002288080f9c0c1c48203"
                + "310807060504030201"
                + "3a0b0a035345540a016b0a0176"
                + "418877665544332211"
                + "4801"
                + "7d2ef16341");
        byte[] actual = encode(set("k", "v"));
        assertEquals(HexFormat.of().formatHex(expected), HexFormat.of().formatHex(actual));
        assertSameRecord(set("k", "v"), RecordCodec.decode(expected, 0, expected.length));
    }

    @Test
    void effectDigestsAreTheSameInEveryProcess() {
        // Records carry effect digests that another process (a restart, a replica) recomputes:
        // the digest of a unit must not depend on anything chosen per process. Frozen, like the
        // record format.
        try (io.vellum.core.TestStore st = new io.vellum.core.TestStore()) {
            st.client().call("SET", "k", "v");
            assertEquals(1, st.records.size());
            assertEquals("828822c71bf372c9", String.format("%016x", st.records.get(0).effectDigest()));
        }
    }

    @Test
    void oneCodecDecodesARepeatedCommandNameToOneArrayAndEverythingElseToArraysOfTheirOwn() throws Exception {
        RecordCodec c = new RecordCodec();
        Random rnd = new Random(11);
        List<UnitRecord> written = new ArrayList<>();
        List<UnitRecord> read = new ArrayList<>();
        String[] names = {"SET", "INCR", "HSET", "DEL", "set", "LPUSH", "ZADD", "EVALSHA", "X".repeat(40)};
        for (int i = 0; i < 500; i++) {
            String name = names[rnd.nextInt(names.length)];
            UnitRecord r = new UnitRecord(UnitRecord.Kind.COMMAND, 0, 2, i, i, List.<byte[][]>of(argv(name, "k" + i, "v")), i);
            byte[] b = encode(r);
            written.add(r);
            read.add(c.read(b, 0, b.length, null));
        }
        for (int i = 0; i < written.size(); i++) {
            assertSameRecord(written.get(i), read.get(i));
        }
        byte[] set1 = null;
        for (int i = 0; i < read.size(); i++) {
            byte[][] a = read.get(i).commands().get(0);
            if (Arrays.equals(a[0], "SET".getBytes(StandardCharsets.US_ASCII))) {
                if (set1 != null && i > 0 && Arrays.equals(read.get(i - 1).commands().get(0)[0], a[0])) {
                    assertTrue(a[0] == read.get(i - 1).commands().get(0)[0], "a name repeated shares its array");
                }
                set1 = a[0];
            }
            for (int j = 0; j < i; j++) {
                assertTrue(a[1] != read.get(j).commands().get(0)[1], "arguments are never shared");
            }
        }
        assertTrue(set1 != null);
    }

    @Test
    void randomRecordsRoundTrip() throws Exception {
        long seed = System.nanoTime();
        Random rnd = new Random(seed);
        RecordCodec codec = new RecordCodec();
        for (int i = 0; i < 2000; i++) {
            UnitRecord r = random(rnd);
            int n = codec.encode(r, i + 1);
            byte[] b = Arrays.copyOf(codec.buffer(), n);
            assertSameRecord(r, RecordCodec.decode(b, 0, n));
        }
    }

    @Test
    void readSerialGivesTheSerialAndChecksLikeRead() throws Exception {
        Random rnd = new Random(11);
        RecordCodec codec = new RecordCodec();
        for (int i = 0; i < 500; i++) {
            long serial = rnd.nextInt(3) == 0 ? rnd.nextLong() & Long.MAX_VALUE : i + 1;
            int n = codec.encode(random(rnd), serial);
            byte[] b = Arrays.copyOf(codec.buffer(), n);
            RecordCodec reader = new RecordCodec();
            assertEquals(serial, reader.readSerial(b, 0, n));
            assertEquals(RecordCodec.decode(b, 0, n).kind(), reader.lastKind(), "the kind, without decoding");
        }
        // a recovery's stand-in (no commands): a replica's stream must tell it apart without decoding
        RecordCodec codec2 = new RecordCodec();
        int n = codec2.encode(new UnitRecord(UnitRecord.Kind.LOST, 0, 2, 0, 0, List.of(), 0), 7);
        assertEquals(7, codec2.readSerial(Arrays.copyOf(codec2.buffer(), n), 0, n));
        assertEquals(UnitRecord.Kind.LOST, codec2.lastKind());
        byte[] b = encode(set("key", "value"));
        for (int i = 0; i < b.length; i++) {
            byte[] d = b.clone();
            d[i] ^= 0x10;
            assertThrows(DamagedRecordException.class, () -> new RecordCodec().readSerial(d, 0, d.length), "flip at " + i);
            int len = i;
            assertThrows(DamagedRecordException.class, () -> new RecordCodec().readSerial(b, 0, len), "cut at " + i);
        }
    }

    @Test
    void protobufsParserReadsWhatTheCodecWrites() throws Exception {
        Random rnd = new Random(7);
        for (int i = 0; i < 500; i++) {
            UnitRecord r = random(rnd);
            RecordCodec codec = new RecordCodec();
            int n = codec.encode(r, i + 1);
            byte[] b = Arrays.copyOf(codec.buffer(), n);
            LogRecord p = LogRecord.parseFrom(b);
            assertEquals(RecordCodec.FORMAT_VERSION, p.getFormat());
            assertEquals(r.kind().ordinal(), p.getKindValue());
            assertEquals(r.db(), p.getDb());
            assertEquals(r.protocol(), p.getProtocol());
            assertEquals(r.timeMicros(), p.getTimeMicros());
            assertEquals(r.seed(), p.getSeed());
            assertEquals(r.effectDigest(), p.getEffectDigest());
            assertEquals(i + 1, p.getSerial());
            assertEquals(r.scriptState() == UnitRecord.NO_SCRIPT_STATE ? 0 : r.scriptState(), p.getScriptState());
            assertEquals(r.commands().size(), p.getCommandCount());
            for (int c = 0; c < r.commands().size(); c++) {
                byte[][] argv = r.commands().get(c);
                assertEquals(argv.length, p.getCommand(c).getArgCount());
                for (int a = 0; a < argv.length; a++) {
                    assertArrayEquals(argv[a], p.getCommand(c).getArg(a).toByteArray());
                }
            }
            CRC32C crc = new CRC32C();
            crc.update(b, 0, b.length - 5);
            assertEquals((int) crc.getValue(), p.getCrc32C());
        }
    }

    @Test
    void theCodecReadsWhatProtobufWrites() throws Exception {
        // protobuf omits zero values and may order fields its own way; unknown fields are skipped.
        LogRecord p = LogRecord.newBuilder()
                .setFormat(1).setKind(Kind.TRANSACTION).setDb(0).setProtocol(3).setTimeMicros(123)
                .setSeed(-5).setEffectDigest(42)
                .addCommand(Command.newBuilder().addArg(ByteString.copyFromUtf8("SET")).addArg(ByteString.copyFromUtf8("a"))
                        .addArg(ByteString.copyFromUtf8("")))
                .addCommand(Command.newBuilder().addArg(ByteString.copyFromUtf8("DEL")).addArg(ByteString.copyFromUtf8("b")))
                .build();
        byte[] body = p.toBuilder().mergeFrom(HexFormat.of().parseHex("a00601")).build().toByteArray(); // field 100: unknown
        CRC32C crc = new CRC32C();
        crc.update(body);
        byte[] b = Arrays.copyOf(body, body.length + 5);
        b[body.length] = 0x7d;
        for (int i = 0; i < 4; i++) {
            b[body.length + 1 + i] = (byte) ((int) crc.getValue() >>> (8 * i));
        }
        UnitRecord r = RecordCodec.decode(b, 0, b.length);
        assertSameRecord(new UnitRecord(UnitRecord.Kind.TRANSACTION, 0, 3, 123, -5,
                List.<byte[][]>of(argv("SET", "a", ""), argv("DEL", "b")), 42), r);
    }

    @Test
    void everyFlippedByteAndEveryCutIsDetected() {
        byte[] b = encode(new UnitRecord(UnitRecord.Kind.TRANSACTION, 3, 2, 1_700_000_000_123_456L, 99,
                List.<byte[][]>of(argv("SET", "key", "value"), argv("DEL", "other")), 7));
        for (int i = 0; i < b.length; i++) {
            for (int bit = 0; bit < 8; bit++) {
                byte[] d = b.clone();
                d[i] ^= (byte) (1 << bit);
                assertThrows(DamagedRecordException.class, () -> RecordCodec.decode(d, 0, d.length), "flip at " + i);
            }
        }
        for (int n = 0; n < b.length; n++) {
            int len = n;
            byte[] cut = Arrays.copyOf(b, b.length);
            Arrays.fill(cut, n, cut.length, (byte) 0);
            assertThrows(DamagedRecordException.class, () -> RecordCodec.decode(b, 0, len), "cut at " + n);
            assertThrows(DamagedRecordException.class, () -> RecordCodec.decode(cut, 0, cut.length), "zeroed from " + n);
        }
    }

    @Test
    void aNewerFormatIsRefusedWithAClearReason() {
        byte[] b = encode(set("k", "v"));
        b[1] = 2;
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 5);
        for (int i = 0; i < 4; i++) {
            b[b.length - 4 + i] = (byte) ((int) crc.getValue() >>> (8 * i));
        }
        DamagedRecordException e = assertThrows(DamagedRecordException.class, () -> RecordCodec.decode(b, 0, b.length));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }
}
