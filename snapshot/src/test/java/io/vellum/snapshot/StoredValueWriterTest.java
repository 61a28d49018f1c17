package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import io.vellum.core.TestStore;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.keyspace.Database;
import io.vellum.core.types.StoredValueWriter;
import io.vellum.core.types.Value;
import io.vellum.core.types.ValueType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The snapshot's direct writer ({@link StoredValueWriter}) writes exactly the bytes of
 * {@code toProto()} for every string, hash, set and sorted set of the test dataset and of random
 * ones (empty, raw, never-int and long strings; collections across the small limit, removals,
 * -0.0 and infinite scores, empty members), and leaves the rest (lists, intsets, streams) to
 * toProto; {@code toBytes} (copy-on-write) gives the same bytes for every value.
 */
class StoredValueWriterTest {
    @TempDir
    Path dir;

    @Test
    void everyCollectionIsWrittenAsItsMessageWouldBe() throws IOException {
        try (TestStore st = SnapshotFileTest.store(dir)) {
            TestStore.Client c = st.client();
            Datasets.populate(c::call, 5);
            Random r = new Random(20261207L);
            c.call("SELECT", "2");
            c.call("SET", "empty", "");
            c.call("SETRANGE", "raw", "5", "x");
            c.call("SETRANGE", "rawempty", "0", "");
            c.call("INCRBYFLOAT", "float", "2.5");
            c.call("SET", "int", "12345");
            c.call("SET", "long", "y".repeat(100_000));
            for (int k = 0; k < 200; k++) {
                int n = 1 + r.nextInt(k < 150 ? 12 : 300);
                for (int i = 0; i < n; i++) {
                    String m = i == 0 && k % 7 == 0 ? "" : "m" + r.nextInt(2 * n);
                    c.call("HSET", "h" + k, m, "v".repeat(r.nextInt(20)));
                    c.call("SADD", "s" + k, m);
                    String score = switch (r.nextInt(8)) {
                        case 0 -> "-0";
                        case 1 -> "inf";
                        case 2 -> "-inf";
                        default -> Double.toString(r.nextGaussian() * 1e6);
                    };
                    c.call("ZADD", "z" + k, score, m);
                    if (r.nextInt(4) == 0) {
                        c.call("HDEL", "h" + k, "m" + r.nextInt(2 * n));
                        c.call("SREM", "s" + k, "m" + r.nextInt(2 * n));
                        c.call("ZREM", "z" + k, "m" + r.nextInt(2 * n));
                    }
                }
            }
            int written = 0;
            int left = 0;
            for (int i = 0; i < st.engine.keyspace().count(); i++) {
                Database db = st.engine.keyspace().db(i);
                OrderedDict<Value> dict = db.dict();
                for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
                    Value v = dict.valueAt(e);
                    String what = new String(dict.keyAt(e), StandardCharsets.ISO_8859_1) + " " + v.encoding();
                    assertArrayEquals(v.toProto().toByteArray(), StoredValueWriter.toBytes(v), what);
                    int size = StoredValueWriter.size(v);
                    if (size < 0) {
                        assertTrue(v.type() == ValueType.LIST || v.type() == ValueType.STREAM || v.encoding().equals("intset"),
                                what);
                        left++;
                        continue;
                    }
                    byte[] expected = v.toProto().toByteArray();
                    byte[] actual = new byte[size];
                    CodedOutputStream out = CodedOutputStream.newInstance(actual);
                    StoredValueWriter.write(v, out);
                    out.checkNoSpaceLeft();
                    assertArrayEquals(expected, actual, what);
                    written++;
                }
            }
            assertTrue(written > 650 && left > 3, written + " written, " + left + " left to toProto");
        }
    }
}
