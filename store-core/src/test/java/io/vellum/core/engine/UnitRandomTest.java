package io.vellum.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.spi.UnitRecord;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The engine's randomness is fixed by its seeds (DESIGN.md, determinism rule 2): the first
 * draws of a seeded generator are pinned (a JDK that changed L64X128MixRandom's output would
 * break the replay of old logs), and two engines with one seed run the same active-expiry
 * units: same seeds in their records, same keys deleted.
 */
class UnitRandomTest {

    @Test
    void theFirstDrawsOfASeedArePinned() {
        RandomGenerator r = UnitRandom.seeded(42);
        assertEquals(-5600175640509174766L, r.nextLong());
        assertEquals(-6068984182338578160L, r.nextLong());
        assertEquals(0, r.nextInt(20));
        r = UnitRandom.seeded(-1);
        assertEquals(7067917314541547227L, r.nextLong());
        assertEquals(-2702819092078257576L, r.nextLong());
        assertEquals(7, r.nextInt(20));
        UnitRandom unit = new UnitRandom();
        unit.startUnit(42);
        assertEquals(-5600175640509174766L, unit.generator().nextLong());
    }

    @Test
    void activeExpiryUnitsAreAFunctionOfTheEngineSeed() {
        String first = firstExpiryUnit();
        assertEquals(first, firstExpiryUnit());
        assertTrue(first.split(" ").length > 4, first); // the seed, DEL, keys (a sample of 20 drawn from 200)
    }

    /**
     * The first unit of one active-expiry cycle of a TestStore (seed 42) where half of 200 keys
     * with a TTL are past it. Only the first: a cycle's later passes depend on its time budget.
     */
    private static String firstExpiryUnit() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (int i = 0; i < 200; i++) {
                c.call("SET", "k" + i, "v", "PX", Integer.toString(10 + i));
            }
            st.advanceMillis(110);
            int from = st.records.size();
            st.engine.activeExpireCycle();
            UnitRecord r = st.records.get(from);
            assertEquals(UnitRecord.Kind.EXPIRY, r.kind());
            return r.seed() + " " + r.describe();
        }
    }
}
