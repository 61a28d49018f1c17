package io.vellum.core.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link WireReader} reads what protobuf's {@link CodedInputStream} reads, and refuses what it
 * refuses: random valid messages, every prefix of them (cut short), and random bytes, each read
 * field by field by both and compared (the values, or that both failed). Seeds in the messages.
 */
class WireReaderTest {
    /** Reads every field of {@code b} with CodedInputStream: the values, ending in "error" if it refused. */
    private static List<String> viaProtobuf(byte[] b) {
        List<String> out = new ArrayList<>();
        CodedInputStream in = CodedInputStream.newInstance(b);
        try {
            while (true) {
                int tag = in.readTag();
                if (tag == 0) {
                    return out;
                }
                out.add(switch (tag & 7) {
                    case 0 -> tag + " varint " + in.readUInt64();
                    case 1 -> tag + " fixed64 " + in.readFixed64();
                    case 2 -> tag + " bytes " + Arrays.toString(in.readByteArray());
                    case 5 -> tag + " fixed32 " + in.readFixed32();
                    default -> {
                        if (!in.skipField(tag)) {
                            throw new InvalidProtocolBufferException("end group");
                        }
                        yield tag + " skipped";
                    }
                });
            }
        } catch (IOException e) {
            out.add("error");
            return out;
        }
    }

    private static List<String> viaWireReader(byte[] b) {
        List<String> out = new ArrayList<>();
        WireReader in = new WireReader().reset(b, 0, b.length);
        try {
            while (true) {
                int tag = in.tag();
                if (tag == 0) {
                    return out;
                }
                out.add(switch (tag & 7) {
                    case 0 -> tag + " varint " + in.varint64();
                    case 1 -> tag + " fixed64 " + in.fixed64();
                    case 2 -> tag + " bytes " + Arrays.toString(in.bytes());
                    case 5 -> tag + " fixed32 " + in.fixed32();
                    default -> {
                        in.skipField(tag);
                        yield tag + " skipped";
                    }
                });
            }
        } catch (InvalidProtocolBufferException e) {
            out.add("error");
            return out;
        }
    }

    private static byte[] randomMessage(SplittableRandom r) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(bytes);
        int fields = r.nextInt(6);
        for (int i = 0; i < fields; i++) {
            int field = 1 + r.nextInt(r.nextBoolean() ? 15 : 100_000);
            switch (r.nextInt(7)) {
                case 0 -> o.writeUInt64(field, r.nextLong() >>> r.nextInt(64));
                case 1 -> o.writeInt32(field, r.nextInt()); // negative ones take ten bytes
                case 2 -> o.writeFixed64(field, r.nextLong());
                case 3 -> o.writeFixed32(field, r.nextInt());
                case 4 -> {
                    byte[] b = new byte[r.nextInt(r.nextInt(10) == 0 ? 300 : 10)];
                    r.nextBytes(b);
                    o.writeByteArray(field, b);
                }
                case 5 -> o.writeSInt32(field, r.nextInt());
                default -> {
                    o.writeTag(field, 3); // a group with a field inside
                    o.writeUInt64(field + 1, r.nextInt(1000));
                    o.writeTag(field, 4);
                }
            }
        }
        o.flush();
        return bytes.toByteArray();
    }

    @Test
    void validMessagesAndEveryPrefixReadAsProtobufReadsThem() throws IOException {
        long seed = 20261207L;
        SplittableRandom r = new SplittableRandom(seed);
        int errors = 0;
        for (int i = 0; i < 600; i++) {
            byte[] m = randomMessage(r);
            assertEquals(viaProtobuf(m), viaWireReader(m), "seed " + seed + " message " + i);
            for (int cut = 0; cut < m.length; cut++) {
                byte[] p = Arrays.copyOf(m, cut);
                List<String> expected = viaProtobuf(p);
                assertEquals(expected, viaWireReader(p), "seed " + seed + " message " + i + " cut at " + cut);
                errors += expected.contains("error") ? 1 : 0;
            }
        }
        assertEquals(true, errors > 200, "cut messages that failed: " + errors);
    }

    /**
     * Random bytes: the same values or the same refusal, except that a varint of more than ten
     * bytes is refused here (protobuf's specification calls it malformed), where
     * CodedInputStream's unrolled array reader takes some of them (it stops looking at the
     * tenth byte when the value's top bit is clear).
     */
    @Test
    void randomBytesAreReadOrRefusedAsProtobufDoes() {
        long seed = 20261208L;
        SplittableRandom r = new SplittableRandom(seed);
        int overlong = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = new byte[r.nextInt(24)];
            r.nextBytes(b);
            String what = "seed " + seed + " case " + i + " " + Arrays.toString(b);
            List<String> expected = viaProtobuf(b);
            List<String> actual = viaWireReader(b);
            if (!expected.equals(actual)) {
                int n = actual.size() - 1;
                assertEquals("error", actual.get(n), what);
                assertEquals(expected.subList(0, n), actual.subList(0, n), what);
                assertEquals(true, hasTenContinuationBytes(b), what);
                overlong++;
            }
        }
        assertEquals(true, overlong < 200, overlong + " cases differ");
    }

    private static boolean hasTenContinuationBytes(byte[] b) {
        int run = 0;
        for (byte x : b) {
            run = x < 0 ? run + 1 : 0;
            if (run >= 10) {
                return true;
            }
        }
        return false;
    }

    @Test
    void limitsNestMessagesAndRefuseLengthsPastTheEnd() throws IOException {
        byte[] b = {0x0a, 0x03, 0x08, 0x05, 0x10, 0x18, 0x07}; // field 1: {1: 5, 2: ...}, then 3: 7
        WireReader in = new WireReader().reset(b, 0, b.length);
        assertEquals(0x0a, in.tag());
        int outer = in.limit(in.varint32());
        assertEquals(0x08, in.tag());
        assertEquals(5, in.varint32());
        assertEquals(0x10, in.tag());
        // the varint of field 2 would run past the nested message's end
        assertThrows(InvalidProtocolBufferException.class, in::varint64);
        in.reset(b, 0, b.length);
        in.tag();
        outer = in.limit(in.varint32());
        in.tag();
        in.varint32();
        assertThrows(InvalidProtocolBufferException.class, () -> in.restore(0)); // not read to its end
        in.skipBytes(1);
        in.restore(outer);
        assertEquals(0x18, in.tag());
        assertEquals(7, in.varint32());
        assertEquals(0, in.tag());
        WireReader bad = new WireReader().reset(new byte[] {0x0a, 0x05, 1}, 0, 3);
        bad.tag();
        assertThrows(InvalidProtocolBufferException.class, () -> bad.limit(bad.varint32()));
        WireReader negative = new WireReader().reset(new byte[] {0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}, 0, 6);
        negative.tag();
        assertThrows(InvalidProtocolBufferException.class, negative::bytes);
    }
}
