package io.vellum.core.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.spi.UnitRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded HLL and geo commands, then the log replayed into a fresh store: every record's effect
 * digest must match (applyRecord checks it) and both stores must hold the same bytes (DEBUG
 * DIGEST, GET, ZRANGE WITHSCORES). PFCOUNT's cache refresh and STOREDIST's distances are the
 * parts that could drift.
 */
class HllGeoReplayTest {

    @Test
    void replayedLogRebuildsTheSameStore() {
        long seed = Long.getLong("vellum.seed", new SplittableRandom().nextLong());
        System.out.println("[random] hll-geo replay seed=" + seed);
        SplittableRandom r = new SplittableRandom(seed);
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (int i = 0; i < 400; i++) {
                String key = "k" + r.nextInt(3);
                List<String> cmd = new ArrayList<>();
                switch (r.nextInt(8)) {
                    case 0, 1 -> {
                        cmd.addAll(List.of("PFADD", "h" + key));
                        for (int n = r.nextInt(60); n >= 0; n--) {
                            cmd.add("e" + r.nextInt(5000));
                        }
                    }
                    case 2 -> cmd.addAll(List.of("PFCOUNT", "h" + key));
                    case 3 -> cmd.addAll(List.of("PFMERGE", "h" + key, "hk" + r.nextInt(3)));
                    case 4, 5 -> cmd.addAll(List.of("GEOADD", "g" + key, Double.toString(-180 + 360 * r.nextDouble()),
                            Double.toString(-85 + 170 * r.nextDouble()), "m" + r.nextInt(100)));
                    default -> cmd.addAll(List.of("GEOSEARCHSTORE", "s" + key, "g" + key, "FROMLONLAT",
                            Double.toString(-180 + 360 * r.nextDouble()), Double.toString(-85 + 170 * r.nextDouble()),
                            "BYRADIUS", Integer.toString(r.nextInt(5000)), "km", "STOREDIST"));
                }
                c.call(cmd.toArray(String[]::new));
            }
            assertTrue(st.records.size() > 60);
            try (TestStore replica = new TestStore()) {
                for (UnitRecord rec : st.records) {
                    replica.engine.applyRecord(rec, false);
                }
                TestStore.Client rc = replica.client();
                assertEquals(c.call("DEBUG", "DIGEST"), rc.call("DEBUG", "DIGEST"));
                for (int k = 0; k < 3; k++) {
                    assertEquals(c.call("GET", "hk" + k), rc.call("GET", "hk" + k));
                    assertEquals(c.call("ZRANGE", "sk" + k, "0", "-1", "WITHSCORES"), rc.call("ZRANGE", "sk" + k, "0", "-1", "WITHSCORES"));
                }
            }
        }
    }
}
