package io.vellum.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.keyspace.RedisDigest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replaying a log gives the store that wrote it: same DEBUG DIGEST, same keys in the same
 * order with the same values, encodings and expiries. Random commands of every group that
 * exists run against a store with a real log (seeded: the seed is printed;
 * {@code -Dvellum.seed=N} replays a run), with the clock moving, keys expiring and the
 * primary's active expiry running; then the log is replayed into a fresh store, both by
 * recovery and by {@link Replay} alone.
 *
 * <p><b>Adding a command group:</b> add a {@link Workload} to {@link #WORKLOADS} that issues
 * its commands (random picks, TTLs and time reads included). Nothing else changes.
 */
class ReplayEquivalenceTest {
    @TempDir
    Path dir;

    /** A source of random commands for one command group. */
    interface Workload {
        void step(Random r, Commands c);
    }

    /** Where a workload sends its commands. */
    interface Commands {
        void call(String... args);

        String key(Random r);

        String value(Random r);
    }

    static final List<Workload> WORKLOADS = List.of(
            // strings
            (r, c) -> c.call("SET", c.key(r), c.value(r)),
            (r, c) -> c.call("SET", c.key(r), c.value(r), r.nextBoolean() ? "NX" : "XX"),
            (r, c) -> c.call("SET", c.key(r), c.value(r), "PX", Integer.toString(1 + r.nextInt(500))),
            (r, c) -> c.call("SET", c.key(r), c.value(r), "EX", Integer.toString(1 + r.nextInt(3)), "GET"),
            (r, c) -> c.call("SET", c.key(r), c.value(r), "KEEPTTL"),
            (r, c) -> c.call("SET", c.key(r), c.value(r), "PXAT", Long.toString(1_700_000_000_000L + r.nextInt(20_000))),
            (r, c) -> c.call("GET", c.key(r)),
            // keys
            (r, c) -> c.call("DEL", c.key(r), c.key(r)),
            (r, c) -> c.call("EXISTS", c.key(r)),
            // server and databases
            (r, c) -> c.call("SELECT", Integer.toString(r.nextInt(3))),
            (r, c) -> {
                if (r.nextInt(40) == 0) {
                    c.call("FLUSHDB");
                }
            },
            (r, c) -> c.call("TIME"),
            // transactions: a few commands of the groups above in one unit
            (r, c) -> {
                c.call("MULTI");
                for (int i = r.nextInt(4); i >= 0; i--) {
                    c.call("SET", c.key(r), c.value(r), "PX", Integer.toString(1 + r.nextInt(2000)));
                    c.call("DEL", c.key(r));
                }
                c.call(r.nextInt(10) == 0 ? "DISCARD" : "EXEC");
            });

    @Test
    void replayingTheLogGivesTheStoreThatWroteIt() throws Exception {
        long seed = Long.getLong("vellum.seed", System.nanoTime());
        int steps = Integer.getInteger("vellum.commands", 3000);
        System.out.println("ReplayEquivalenceTest seed " + seed + " (-Dvellum.seed=" + seed + " replays it)");
        Random r = new Random(seed);
        String digest;
        List<String> dump;
        long records;
        try (LogStore s = LogStore.open(dir)) {
            TestStore.Client client = s.client;
            Commands c = new Commands() {
                @Override
                public void call(String... args) {
                    client.call(args);
                }

                @Override
                public String key(Random r) {
                    return "key:" + r.nextInt(60);
                }

                @Override
                public String value(Random r) {
                    return r.nextInt(8) == 0 ? "" : "v" + r.nextInt(1000);
                }
            };
            for (int i = 0; i < steps; i++) {
                WORKLOADS.get(r.nextInt(WORKLOADS.size())).step(r, c);
                if (r.nextInt(10) == 0) {
                    s.store.advanceMillis(r.nextInt(300));
                }
                if (r.nextInt(50) == 0) {
                    s.engine().activeExpireCycle();
                }
            }
            digest = s.digest();
            dump = DatasetDump.of(s.engine().keyspace());
            records = s.log.appendedRecords();
        }
        assertTrue(records > steps / 3, "the workload wrote " + records + " records");
        assertTrue(dump.size() > 10, "the workload left data: " + dump.size());

        // Recovery replays it.
        try (LogStore s = LogStore.open(dir)) {
            assertEquals(digest, s.digest(), "seed " + seed);
            assertEquals(dump, DatasetDump.of(s.engine().keyspace()), "seed " + seed);
        }
        // So does Replay alone, into an engine without a log, from the log read-only.
        try (TestStore fresh = new TestStore(Engine.builder());
             SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir))) {
            Replay.Result res = Replay.run(q, fresh.engine, -1, new ReplayProgress());
            assertEquals(null, res.damage());
            assertEquals(records, res.records());
            assertEquals(digest, RedisDigest.hex(RedisDigest.dataset(fresh.engine.keyspace())), "seed " + seed);
            assertEquals(dump, DatasetDump.of(fresh.engine.keyspace()), "seed " + seed);
        }
        // And replay from a position: the records after it, onto the state before it.
        List<Long> positions = new ArrayList<>();
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir)); LogScanner sc = new LogScanner(q)) {
            sc.seekAfter(-1);
            while (sc.next()) {
                positions.add(sc.position());
            }
        }
        long middle = positions.get(positions.size() / 2);
        try (TestStore fresh = new TestStore(Engine.builder());
             SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir))) {
            Replay.Result first = Replay.run(q, fresh.engine, -1, new ReplayProgress());
            assertEquals(positions.size(), first.records());
            // replay the second half again onto a store rebuilt up to the middle
            try (TestStore half = new TestStore(Engine.builder())) {
                try (LogScanner sc = new LogScanner(q)) {
                    sc.seekAfter(-1);
                    while (sc.next() && sc.position() <= middle) {
                        half.engine.applyRecord(sc.record(), false);
                    }
                }
                Replay.Result rest = Replay.run(q, half.engine, middle, new ReplayProgress());
                assertEquals(positions.size() - positions.size() / 2 - 1, rest.records());
                assertEquals(dump, DatasetDump.of(half.engine.keyspace()), "seed " + seed);
            }
        }
    }
}
