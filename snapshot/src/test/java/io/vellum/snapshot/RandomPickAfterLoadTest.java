package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.TestStore;
import io.vellum.core.spi.UnitRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Determinism rule 3 across a snapshot: the random-pick commands the writer logged after its
 * SAVE replay on a store loaded from that snapshot with the same effect digests (their replies
 * are part of it), although the writer's dictionaries have deleted slots and the loaded ones
 * do not.
 */
class RandomPickAfterLoadTest {
    @TempDir
    Path dir;

    private static String[] cmd(String name, String key, String prefix, int n, String... perMember) {
        List<String> a = new ArrayList<>(List.of(name, key));
        for (int i = 0; i < n; i++) {
            if (perMember.length > 0 && perMember[0].equals("score")) {
                a.add(Integer.toString(i * 37 % 101));
                a.add(prefix + i);
            } else {
                a.add(prefix + i);
                a.addAll(List.of(perMember));
            }
        }
        return a.toArray(new String[0]);
    }

    private static String[] everyThird(String name, String key, String prefix, int n) {
        List<String> a = new ArrayList<>(List.of(name));
        if (key != null) {
            a.add(key);
        }
        for (int i = 0; i < n; i += 3) {
            a.add(prefix + i);
        }
        return a.toArray(new String[0]);
    }

    @Test
    void randomPicksReplayOnALoadedStore() {
        try (TestStore writer = SnapshotFileTest.store(dir)) {
            TestStore.Client c = writer.client();
            c.call(cmd("SADD", "s", "m", 300));
            c.call(everyThird("SREM", "s", "m", 300));
            c.call(cmd("HSET", "h", "f", 300, "v"));
            c.call(everyThird("HDEL", "h", "f", 300));
            c.call(cmd("ZADD", "z", "m", 300, "score"));
            c.call(everyThird("ZREM", "z", "m", 300));
            c.call(msetArgs());
            c.call(everyThird("DEL", null, "k", 300));
            assertEquals(TestStore.OK, c.call("SAVE"));
            int from = writer.records.size();
            for (int i = 0; i < 20; i++) {
                // reads are not logged alone: a transaction with a write carries their replies
                c.call("MULTI");
                c.call("SRANDMEMBER", "s");
                c.call("SRANDMEMBER", "s", "-5");
                c.call("HRANDFIELD", "h", "-5", "WITHVALUES");
                c.call("ZRANDMEMBER", "z", "-5", "WITHSCORES");
                c.call("RANDOMKEY");
                c.call("INCR", "marker");
                c.call("EXEC");
                c.call("SPOP", "s");
                c.call("SPOP", "s", "3");
            }
            List<UnitRecord> picks = writer.records.subList(from, writer.records.size());
            assertEquals(60, picks.size());
            try (TestStore loaded = SnapshotFileTest.loaded(dir)) {
                for (UnitRecord r : picks) {
                    loaded.engine.applyRecord(r, false); // throws on a different digest
                }
                assertEquals(SnapshotFileTest.dump(writer), SnapshotFileTest.dump(loaded));
            }
        }
    }

    private static String[] msetArgs() {
        List<String> a = new ArrayList<>(List.of("MSET"));
        for (int i = 0; i < 300; i++) {
            a.add("k" + i);
            a.add("v");
        }
        return a.toArray(new String[0]);
    }
}
