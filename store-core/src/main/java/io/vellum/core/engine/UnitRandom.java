package io.vellum.core.engine;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The randomness a unit may use (DESIGN.md, determinism rule 2): SPOP, SRANDMEMBER,
 * HRANDFIELD, ZRANDMEMBER, RANDOMKEY and the keyspace's random picks draw from a generator
 * seeded from the unit's record, so replay draws the same values. The generator is created
 * only when a unit asks for it.
 *
 * <p>The algorithm is L64X128MixRandom, whose output for a seed is fixed by its
 * specification; a golden test pins the first draws so a JDK that changed them would be
 * noticed before it broke the replay of old logs.
 */
public final class UnitRandom {
    /** Looked up once: RandomGeneratorFactory.of is a service-loader search on every call. */
    private static final RandomGeneratorFactory<RandomGenerator> FACTORY = RandomGeneratorFactory.of("L64X128MixRandom");

    /**
     * A generator of the engine's algorithm seeded with {@code seed}: the per-unit seed source,
     * a unit's generator and active expiry's samples all come from here, so they stay one
     * algorithm that replay can rely on.
     */
    static RandomGenerator seeded(long seed) {
        return FACTORY.create(seed);
    }

    private long seed;
    private RandomGenerator generator;

    public void startUnit(long seed) {
        this.seed = seed;
        this.generator = null;
    }

    public long seed() {
        return seed;
    }

    public RandomGenerator generator() {
        RandomGenerator g = generator;
        if (g == null) {
            g = seeded(seed);
            generator = g;
        }
        return g;
    }
}
