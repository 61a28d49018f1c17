package io.vellum.server.crashtest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Standbys are started only for kills that can still happen. */
class CrashTestStandbyTest {
    private static final long S = 1_000_000_000L;

    @Test
    void noStandbyBeyondTheLastKillOfKills() {
        // 3 kills asked, 1 done: the standbys for kills 2 and 3, not a third
        assertTrue(CrashTest.standbyNeeded(1, 1, 3, 1, S, 60 * S));
        assertTrue(CrashTest.standbyNeeded(2, 1, 3, 1, S, 60 * S));
        assertFalse(CrashTest.standbyNeeded(3, 1, 3, 1, S, 60 * S));
    }

    @Test
    void noStandbyForAKillTheTimeLeftWillNotReachAtThePaceSoFar() {
        // rounds of 1 s so far, 2 s left: at a pace a quarter faster (0.75 s a round) the next
        // three kills can happen, the fourth cannot
        assertTrue(CrashTest.standbyNeeded(1, 10, 0, 10, 10 * S, 2 * S));
        assertTrue(CrashTest.standbyNeeded(3, 10, 0, 10, 10 * S, 2 * S));
        assertFalse(CrashTest.standbyNeeded(4, 10, 0, 10, 10 * S, 2 * S));
    }

    @Test
    void beforeThreeRoundsThereIsNoPaceAndEveryStandbyStarts() {
        assertTrue(CrashTest.standbyNeeded(4, 0, 0, 0, 0, S));
        assertTrue(CrashTest.standbyNeeded(4, 2, 0, 2, 30 * S, S));
    }
}
