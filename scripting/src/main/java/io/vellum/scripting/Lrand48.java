package io.vellum.scripting;

/**
 * Redis's {@code redisLrand48} (src/rand.c): the 48-bit linear congruential generator of
 * POSIX lrand48, {@code x = (0x5DEECE66D * x + 0xB) mod 2^48}, returning the top 31 bits.
 * Lua's {@code math.random}/{@code math.randomseed} use it, so scripts draw the numbers they
 * draw on Redis.
 *
 * <p>Redis 7 does not reseed per script: the state carries across script runs, starting from
 * the generator's initial state. The engine logs the state at the start of each script unit
 * and restores it on replay (DESIGN.md, rule 2). Engine thread only.
 */
public final class Lrand48 {
    /** The state before any seeding: X2=0x1234, X1=0xABCD, X0=0x330E. */
    public static final long INITIAL_STATE = 0x1234ABCD330EL;
    private static final long MULTIPLIER = 0x5DEECE66DL;
    private static final long MASK = (1L << 48) - 1;
    /** REDIS_LRAND48_MAX: INT32_MAX. */
    public static final int MAX = Integer.MAX_VALUE;

    private long state = INITIAL_STATE;

    /** redisLrand48: the next value in [0, 2^31). */
    public int next() {
        state = (MULTIPLIER * state + 0xB) & MASK;
        return (int) (state >>> 17);
    }

    /** redisSrand48: SEED(X0, LOW(seed), HIGH(seed)). */
    public void seed(int seed) {
        state = ((seed & 0xFFFFFFFFL) << 16) | 0x330EL;
    }

    public long state() {
        return state;
    }

    public void setState(long state) {
        this.state = state & MASK;
    }
}
