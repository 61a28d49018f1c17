package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key records written from values (strings by hand) are the bytes the generated messages give. */
class ChunkEncoderTest {
    @TempDir
    Path dir;

    private static byte[] encode(java.util.function.Consumer<ChunkEncoder> write) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ChunkEncoder enc = new ChunkEncoder((ByteBuffer b) -> out.write(b.array(), b.arrayOffset() + b.position(), b.remaining()));
        write.accept(enc);
        enc.flush();
        return out.toByteArray();
    }

    @Test
    void everyValueIsWrittenAsItsStoredMessage() {
        try (TestStore st = SnapshotFileTest.store(dir)) {
            TestStore.Client c = st.client();
            Datasets.populate(c::call, 5);
            c.call("SELECT", "0");
            c.call("SET", "empty", "");
            c.call("SETRANGE", "raw", "2", "ab");
            c.call("INCRBYFLOAT", "float", "2.5");
            c.call("SET", "int", "12345");
            c.call("APPEND", "int", "6");
            int strings = 0;
            for (int i = 0; i < st.engine.keyspace().count(); i++) {
                OrderedDict<Value> dict = st.engine.keyspace().db(i).dict();
                for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
                    byte[] k = dict.keyAt(e);
                    Value v = dict.valueAt(e);
                    int db = i;
                    long seq = dict.seqAt(e);
                    byte[] fromValue = encode(enc -> enc.key(db, k, seq, seq % 2 == 0, 1234567, v));
                    byte[] fromMessage = encode(enc -> enc.key(db, k, seq, seq % 2 == 0, 1234567, v.toProto(), null));
                    assertArrayEquals(fromMessage, fromValue, new String(k, StandardCharsets.ISO_8859_1));
                    if (v instanceof StringValue) {
                        strings++;
                    }
                }
            }
            assertTrue(strings > 30, "only " + strings + " strings");
        }
    }
}
