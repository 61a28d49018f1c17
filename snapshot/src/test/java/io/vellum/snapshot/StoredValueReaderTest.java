package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.vellum.core.TestStore;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.keyspace.Database;
import io.vellum.core.types.StoredValueReader;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueCodec;
import io.vellum.core.types.proto.HashData;
import io.vellum.core.types.proto.SetData;
import io.vellum.core.types.proto.StoredValue;
import io.vellum.core.types.proto.StringData;
import io.vellum.core.types.proto.ZSetData;
import io.vellum.core.util.WireReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The loader's direct decoder ({@link StoredValueReader}) gives exactly the value the
 * generated messages and {@link ValueCodec#decode} give, for every type and encoding, accepts
 * the encodings a protobuf parser accepts, and refuses what decode refuses.
 */
class StoredValueReaderTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    private static Value direct(byte[] bytes) throws IOException {
        return new StoredValueReader().read(new WireReader().reset(bytes, 0, bytes.length), bytes.length);
    }

    private static void assertSameValue(Value expected, Value actual, String what) {
        assertEquals(expected.type(), actual.type(), what);
        assertEquals(expected.encoding(), actual.encoding(), what);
        assertEquals(expected.toProto(), actual.toProto(), what);
        byte[] d1 = new byte[20];
        byte[] d2 = new byte[20];
        expected.mixDigest(d1);
        actual.mixDigest(d2);
        assertArrayEquals(d1, d2, what);
    }

    @Test
    void everyValueOfTheTestDatasetDecodesAsTheGeneratedMessagesDo() throws IOException {
        try (TestStore st = SnapshotFileTest.store(dir)) {
            TestStore.Client c = st.client();
            Datasets.populate(c::call, 3);
            c.call("SELECT", "0");
            c.call("SETRANGE", "rawstr", "3", "x");
            c.call("INCRBYFLOAT", "float", "1.5");
            int checked = 0;
            StoredValueReader one = new StoredValueReader(); // reused, as the loader does
            for (int i = 0; i < st.engine.keyspace().count(); i++) {
                Database db = st.engine.keyspace().db(i);
                OrderedDict<Value> dict = db.dict();
                for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
                    Value v = dict.valueAt(e);
                    byte[] bytes = v.toProto().toByteArray();
                    String what = new String(dict.keyAt(e), StandardCharsets.ISO_8859_1);
                    Value viaMessages = ValueCodec.decode(StoredValue.parseFrom(bytes));
                    assertSameValue(viaMessages, direct(bytes), what);
                    assertSameValue(viaMessages, one.read(new WireReader().reset(bytes, 0, bytes.length), bytes.length), what);
                    assertSameValue(v, viaMessages, what);
                    checked++;
                }
            }
            assertTrue(checked > 50, "only " + checked + " values");
        }
    }

    @Test
    void unpackedNumbersAndUnknownFieldsAreReadAsAParserReadsThem() throws IOException {
        // hash {a: 1, b: 2}, seq deltas written one by one (unpacked), plus an unknown field 9
        ByteArrayOutputStream hash = new ByteArrayOutputStream();
        CodedOutputStream h = CodedOutputStream.newInstance(hash);
        h.writeBytes(1, ByteString.copyFromUtf8("a"));
        h.writeBytes(1, ByteString.copyFromUtf8("b"));
        h.writeBytes(2, ByteString.copyFromUtf8("1"));
        h.writeBytes(2, ByteString.copyFromUtf8("2"));
        h.writeUInt64(3, 1);
        h.writeUInt64(3, 2);
        h.writeUInt64(4, 9);
        h.writeString(5, "listpack");
        h.writeString(9, "ignored");
        h.flush();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(out);
        o.writeBytes(5, ByteString.copyFrom(hash.toByteArray()));
        o.writeUInt64(15, 7); // unknown field of StoredValue
        o.flush();
        byte[] bytes = out.toByteArray();
        Value expected = ValueCodec.decode(StoredValue.parseFrom(bytes));
        assertSameValue(expected, direct(bytes), "unpacked hash");
        assertEquals(2, HashData.parseFrom(hash.toByteArray()).getSeqDeltaCount());
    }

    @Test
    void invalidValuesAreRefusedAsDecodeRefusesThem() {
        StoredValue[] bad = {
            StoredValue.getDefaultInstance(),
            StoredValue.newBuilder().setHash(HashData.newBuilder().addField(ByteString.copyFromUtf8("f"))
                    .addSeqDelta(1).setEncoding("listpack")).build(), // a field without its value
            StoredValue.newBuilder().setZset(ZSetData.newBuilder().addMember(ByteString.copyFromUtf8("m"))
                    .addScore(Double.NaN).addSeqDelta(1).setEncoding("skiplist")).build(),
            StoredValue.newBuilder().setSet(SetData.newBuilder().addMember(ByteString.copyFromUtf8("m"))
                    .addMember(ByteString.copyFromUtf8("m")).addSeqDelta(1).addSeqDelta(1).setEncoding("listpack")).build(),
            StoredValue.newBuilder().setSet(SetData.newBuilder().addMember(ByteString.copyFromUtf8("x"))
                    .setEncoding("intset")).build(),
            StoredValue.newBuilder().setSet(SetData.newBuilder().addMember(ByteString.copyFromUtf8("m"))
                    .addSeqDelta(1).setEncoding("weird")).build(),
            StoredValue.newBuilder().setList(io.vellum.core.types.proto.ListData.newBuilder().setEncoding("listpack")).build(),
        };
        for (StoredValue v : bad) {
            byte[] bytes = v.toByteArray();
            assertThrows(IllegalArgumentException.class, () -> ValueCodec.decode(StoredValue.parseFrom(bytes)), v.toString());
            assertThrows(IllegalArgumentException.class, () -> direct(bytes), v.toString());
        }
    }

    @Test
    void aStringWithoutItsBytesIsTheEmptyString() throws IOException {
        byte[] bytes = StoredValue.newBuilder().setString(StringData.newBuilder().setRaw(true)).build().toByteArray();
        assertSameValue(ValueCodec.decode(StoredValue.parseFrom(bytes)), direct(bytes), "empty raw string");
    }
}
