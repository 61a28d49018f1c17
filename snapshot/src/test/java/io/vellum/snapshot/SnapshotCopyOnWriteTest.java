package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.engine.Engine;
import io.vellum.core.keyspace.Database;
import io.vellum.core.spi.CommandLog;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.types.StringValue;
import io.vellum.core.types.Value;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copy-on-write at key granularity, driven step by step on a running engine: changes made
 * between the slices of a BGSAVE (to keys not written yet, written already, created after the
 * start; FLUSHDB and SWAPDB of whole databases) leave the snapshot as the dataset was at its start.
 */
class SnapshotCopyOnWriteTest {
    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final CommandLog LOG = new CommandLog() {
        @Override
        public long append(UnitRecord record) {
            return 5;
        }

        @Override
        public void commit() {
        }

        @Override
        public long lastPosition() {
            return 5;
        }

        @Override
        public void close() {
        }
    };

    @Test
    void changesBetweenSlicesLeaveTheSnapshotAsTheDatasetWasAtItsStart() throws Exception {
        ProtoSnapshotStore snaps = new ProtoSnapshotStore(dir).sliceMicros(1);
        Engine engine = Engine.builder().commands(snaps.commands()).log(LOG).build();
        snaps.attach(engine);
        engine.config().save.set(List.of());
        engine.start();
        try {
            int n = 5_000;
            engine.call(() -> {
                for (int db = 0; db < 3; db++) {
                    Database d = engine.keyspace().db(db);
                    for (int i = 0; i < n; i++) {
                        d.add(b("k" + i), StringValue.of(b(db + "-v" + i)));
                    }
                }
                return null;
            }).get();
            List<String> expected = engine.call(() -> contents(engine)).get();
            long[] copied = new long[1];
            engine.call(() -> {
                snaps.startBackground(false); // writes a first slice, then continues between tasks
                Database d0 = engine.keyspace().db(0);
                d0.delete(b("k" + (n - 1)));                       // not written yet: copied first
                d0.set(b("k" + (n - 2)), StringValue.of(b("changed")), false);
                d0.setExpireAt(b("k" + (n - 3)), 4102444800000L);
                d0.delete(b("k0"));                                // written already
                d0.add(b("created-after"), StringValue.of(b("x"))); // not in the snapshot
                engine.keyspace().db(1).flush();                   // the old dictionaries are written
                engine.keyspace().swap(0, 2);                      // a source moves to another index
                engine.keyspace().db(0).delete(b("k" + (n - 4)));  // (db 2's old keys) copied first
                engine.keyspace().db(2).delete(b("k" + (n - 5)));
                return null;
            }).get();
            for (int i = 0; i < 50 && snaps.inProgressVolatile(); i++) {
                engine.call(() -> {
                    Database d = engine.keyspace().db(2);
                    d.delete(b("k" + (n - 100 - copied[0]++)));
                    return null;
                }).get();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (snaps.inProgressVolatile() && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertTrue(snaps.lastCopiedKeys() >= 4, "keys copied: " + snaps.lastCopiedKeys());
            Engine loaded = Engine.builder().log(LOG).build();
            new ProtoSnapshotStore(dir).load(loaded);
            assertEquals(expected, contents(loaded));
            assertNull(loaded.keyspace().db(0).peek(b("created-after")));
        } finally {
            engine.close();
        }
    }

    /** Every key of every database, in iteration order, with sequence number, TTL and value. */
    private static List<String> contents(Engine e) {
        List<String> out = new ArrayList<>();
        for (int db = 0; db < e.keyspace().count(); db++) {
            Database d = e.keyspace().db(db);
            var dict = d.dict();
            for (int i = dict.firstEntry(); i >= 0; i = dict.nextEntry(i + 1)) {
                Value v = dict.valueAt(i);
                out.add(db + " " + new String(dict.keyAt(i), StandardCharsets.UTF_8) + " " + dict.seqAt(i) + " "
                        + d.expireAt(dict.keyAt(i)) + " " + v.toProto());
            }
            out.add(db + " next " + dict.nextSeq());
        }
        return out;
    }
}
