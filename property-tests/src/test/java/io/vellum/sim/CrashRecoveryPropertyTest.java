package io.vellum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.server.crashtest.CrashTest;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property 5, crash recovery: {@link CrashTest} (what {@code vellum crashtest} runs) against a
 * real server in a child JVM, SIGKILLed under load from several clients and restarted; every
 * acknowledged write must be there and the state must be the replay of a prefix of what was
 * sent. A few kills in the default build ({@code -Dvellum.kills=N} for more); with
 * {@code everysec} a kill loses nothing either, since the page cache outlives the process.
 */
class CrashRecoveryPropertyTest {
    @TempDir
    Path tmp;

    @Test
    void withAppendfsyncAlwaysNoAcknowledgedWriteIsLostAcrossKillNine() throws Exception {
        // seed 20261228's kills: right after a log roll, then twice during a BGSAVE
        run("always", Integer.getInteger("vellum.kills", 3), 20261228L);
    }

    @Test
    void withAppendfsyncEverysecAKillLosesNothingEither() throws Exception {
        // seed 20261218's kills: during a BGSAVE, then at a random moment
        run("everysec", Integer.getInteger("vellum.kills", 2), 20261218L);
    }

    /**
     * The default build runs fixed seeds (the kinds of kill and the load times are the seed's;
     * the timing is not); {@code -Dvellum.seed=N} runs another, a soak draws fresh ones.
     */
    private void run(String fsync, int kills, long ciSeed) throws Exception {
        long seed = Long.getLong("vellum.seed", Long.getLong("vellum.soak", 0L) > 0 ? System.nanoTime() : ciSeed);
        // a soak (-Dvellum.soak=S, or -Psoak) kills for S seconds per policy instead of a count
        long soakMillis = Long.getLong("vellum.soak", 0L) * 1000;
        if (soakMillis > 0) {
            kills = 0;
        }
        CrashTest.Options o = new CrashTest.Options(tmp.resolve(fsync), soakMillis > 0 ? soakMillis : 30 * 60_000L, 300, 1000,
                fsync, 4, "mixed", seed, kills, 2000);
        CrashTest.Report r = CrashTest.run(o, System.out);
        r.print(System.out, o);
        assertEquals(0, r.lost(), "acknowledged writes lost (seed " + seed + ")");
        assertTrue(r.failures().isEmpty(), "seed " + seed + ": " + r.failures());
        if (kills > 0) {
            assertEquals(kills, r.kills());
        }
        assertTrue(r.ackedUnits() > 0, "the load ran");
    }
}
