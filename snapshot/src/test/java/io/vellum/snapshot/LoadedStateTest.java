package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.keyspace.Database;
import io.vellum.core.types.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A loaded snapshot holds exactly the state that was saved, down to the structures: every
 * database's keys in order with their sequence numbers and next sequence, the expiries, and
 * every value's stored form (members in order, their sequence deltas, the next sequence, the
 * encoding). The data is the benchmark's mix, and collections around the small dictionary's
 * limit (8 slots) built with removals and re-adds, so that sequence numbers are dense in some
 * and broken in others; and writes after the load give both stores the same replies and cursors.
 */
class LoadedStateTest {
    @TempDir
    Path dir;
    private TestStore writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private static void populate(TestStore.Client c, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 1000; i++) {
            String k = "key:" + i;
            int kind = r.nextInt(100);
            if (kind < 70) {
                c.call("SET", k, "value-" + r.nextInt(1_000_000));
            } else if (kind < 80) {
                c.call("HSET", k, "f1", "v" + r.nextInt(1000), "f2", "v2", "f3", "x");
            } else if (kind < 90) {
                c.call("SADD", k, "m" + r.nextInt(1000), "a", "b");
            } else if (kind < 95) {
                c.call("RPUSH", k, "e1", "e" + r.nextInt(1000));
            } else {
                c.call("ZADD", k, "1", "a", Integer.toString(r.nextInt(100)), "c");
            }
            if (r.nextInt(10) == 0) {
                c.call("PEXPIREAT", k, Long.toString(4_102_444_800_000L + i));
            }
        }
        // Collections of 1 to 20 members (the limit is 8 entry slots), with removals and re-adds.
        for (int size = 1; size <= 20; size++) {
            for (int m = 0; m < size; m++) {
                c.call("HSET", "h" + size, "f" + m, "v" + m);
                c.call("SADD", "s" + size, "m" + m);
                c.call("ZADD", "z" + size, Integer.toString(m % 3), "m" + m);
            }
            if (size % 3 == 0) {
                c.call("HDEL", "h" + size, "f0");
                c.call("SREM", "s" + size, "m" + (size - 1));
                c.call("ZREM", "z" + size, "m1");
                c.call("HSET", "h" + size, "f0", "again");
                c.call("SADD", "s" + size, "m" + (size - 1));
            }
        }
        for (int i = 0; i < 300; i += 7) {
            c.call("DEL", "key:" + i); // holes in the keyspace's sequence numbers
        }
    }

    /** Keys, sequence numbers, expiries and stored values of every database, in order. */
    private static List<String> structure(TestStore st) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < st.engine.keyspace().count(); i++) {
            Database db = st.engine.keyspace().db(i);
            OrderedDict<Value> d = db.dict();
            out.add("db " + i + " size " + d.size() + " expires " + db.expiresSize() + " nextSeq " + d.nextSeq());
            for (int e = d.firstEntry(); e >= 0; e = d.nextEntry(e + 1)) {
                byte[] k = d.keyAt(e);
                Value v = d.valueAt(e);
                out.add(new String(k, java.nio.charset.StandardCharsets.ISO_8859_1) + " seq " + d.seqAt(e) + " expire "
                        + db.expireAt(k) + " " + v.type() + " " + v.encoding() + " " + v.toProto());
            }
        }
        return out;
    }

    @Test
    void aLoadedStoreHasTheSavedStructuresAndAnswersLaterWritesAlike() {
        writer = SnapshotFileTest.store(dir);
        TestStore.Client c = writer.client();
        populate(c, 20261207L);
        assertEquals(TestStore.OK, c.call("SAVE"));
        List<String> expected = structure(writer);
        assertTrue(expected.size() > 950, "only " + expected.size() + " lines");
        try (TestStore st = SnapshotFileTest.loaded(dir)) {
            Datasets.assertSameDump(expected, structure(st), "structures after load");
            Datasets.assertSameDump(SnapshotFileTest.dump(writer), SnapshotFileTest.dump(st), "replies after load");
            // Writes after the load: new members and keys get the writer's sequence numbers
            // (the cursors), small collections grow past the limit alike.
            TestStore.Client l = st.client();
            Random r = new Random(7);
            for (int i = 0; i < 400; i++) {
                String[] cmd = switch (r.nextInt(6)) {
                    case 0 -> new String[] {"HSET", "h" + (1 + r.nextInt(20)), "n" + r.nextInt(30), "x"};
                    case 1 -> new String[] {"SADD", "s" + (1 + r.nextInt(20)), "n" + r.nextInt(30)};
                    case 2 -> new String[] {"ZADD", "z" + (1 + r.nextInt(20)), "5", "n" + r.nextInt(30)};
                    case 3 -> new String[] {"HDEL", "h" + (1 + r.nextInt(20)), "f" + r.nextInt(20)};
                    case 4 -> new String[] {"SREM", "s" + (1 + r.nextInt(20)), "m" + r.nextInt(20)};
                    default -> new String[] {"SET", "new" + r.nextInt(50), "y"};
                };
                assertEquals(c.call(cmd), l.call(cmd), String.join(" ", cmd));
            }
            Datasets.assertSameDump(structure(writer), structure(st), "structures after later writes");
            Datasets.assertSameDump(SnapshotFileTest.dump(writer), SnapshotFileTest.dump(st), "replies after later writes");
        }
    }

    /**
     * The reader takes the file a megabyte at a time: records cross the buffer's end (kept and
     * read on), and a record larger than the buffer grows it. A flipped byte past the first
     * megabyte is still found.
     */
    @Test
    void aSnapshotLargerThanTheReadBufferLoadsWhole() throws Exception {
        writer = SnapshotFileTest.store(dir);
        TestStore.Client c = writer.client();
        Random r = new Random(3);
        for (int i = 0; i < 3000; i++) {
            c.call("SET", "s" + i, text(r, 200 + r.nextInt(1600)));
        }
        c.call("SET", "huge", text(r, 2_500_000));
        for (int i = 0; i < 2000; i++) {
            c.call("HSET", "hash", "field" + i, text(r, r.nextInt(300)));
        }
        assertEquals(TestStore.OK, c.call("SAVE"));
        Path file = SnapshotFormat.snapshots(SnapshotFormat.directory(dir)).get(0);
        byte[] good = java.nio.file.Files.readAllBytes(file);
        assertTrue(good.length > 5_000_000, good.length + " bytes");
        List<String> expected = structure(writer);
        try (TestStore st = SnapshotFileTest.loaded(dir)) {
            Datasets.assertSameDump(expected, structure(st), "structures after load");
        }
        byte[] bad = good.clone();
        int at = (1 << 20) + 12345;
        bad[at] ^= 0x40;
        java.nio.file.Files.write(file, bad);
        SnapshotDamagedException e = org.junit.jupiter.api.Assertions.assertThrows(SnapshotDamagedException.class,
                () -> SnapshotReader.readValues(file, (db, k, seq, he, x, v) -> { }));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    /** Random letters: a byte read from the wrong place shows. */
    private static String text(Random r, int n) {
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = (char) ('a' + r.nextInt(26));
        }
        return new String(c);
    }

    @Test
    void aRepeatedMemberInASmallCollectionIsDamage() throws Exception {
        // The small dictionary finds a repeated member without an index: the load refuses it.
        io.vellum.core.types.proto.StoredValue twice = io.vellum.core.types.proto.StoredValue.newBuilder()
                .setSet(io.vellum.core.types.proto.SetData.newBuilder()
                        .addMember(com.google.protobuf.ByteString.copyFromUtf8("m"))
                        .addMember(com.google.protobuf.ByteString.copyFromUtf8("n"))
                        .addMember(com.google.protobuf.ByteString.copyFromUtf8("m"))
                        .addSeqDelta(1).addSeqDelta(1).addSeqDelta(1).setEncoding("listpack")).build();
        byte[] bytes = twice.toByteArray();
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () ->
                new io.vellum.core.types.StoredValueReader().read(new io.vellum.core.util.WireReader().reset(bytes, 0,
                        bytes.length), bytes.length));
    }
}
