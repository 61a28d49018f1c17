package io.vellum.sim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The seeded source of every random choice a simulation makes: a {@link SplittableRandom}
 * (java.util.random) and generators for the things commands are made of. Keys come from a
 * small space so that commands collide on the same keys (and on keys of another type).
 * Strings are byte strings, one char per byte (ISO-8859-1), as everywhere in the harness.
 *
 * <p>Not thread-safe: one per sequence.
 */
public final class Gen {
    /** How many distinct keys commands draw from: few, so they meet. */
    public static final int KEYS = 8;

    private final long seed;
    private final SplittableRandom random;

    public Gen(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    public int nextInt(int bound) {
        return random.nextInt(bound);
    }

    /** A number in [lo, hi]. */
    public int between(int lo, int hi) {
        return random.nextInt(lo, hi + 1);
    }

    public long nextLong() {
        return random.nextLong();
    }

    public double nextDouble() {
        return random.nextDouble();
    }

    public boolean chance(int percent) {
        return random.nextInt(100) < percent;
    }

    public <T> T pick(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    @SafeVarargs
    public final <T> T pick(T... items) {
        return items[random.nextInt(items.length)];
    }

    /** An index chosen with the given weights. */
    public int weighted(int... weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int x = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        throw new AssertionError();
    }

    /** A key of the small key space (one of them binary). */
    public String key() {
        int k = random.nextInt(KEYS);
        return k == KEYS - 1 ? "k\u0000\u00ff" : "k" + k;
    }

    /** Random bytes, {@code 0..maxLen} of them, NUL, CR, LF and high bytes included. */
    public String bytes(int maxLen) {
        int n = random.nextInt(maxLen + 1);
        char[] c = new char[n];
        for (int i = 0; i < n; i++) {
            c[i] = random.nextInt(4) == 0 ? (char) random.nextInt(256) : (char) ('a' + random.nextInt(6));
        }
        return new String(c);
    }

    /** A value: text, an integer (so INCR and friends meet numbers), binary or empty. */
    public String value() {
        return switch (weighted(4, 3, 2, 1)) {
            case 0 -> "v" + random.nextInt(20);
            case 1 -> Integer.toString(random.nextInt(-50, 51));
            case 2 -> bytes(12);
            default -> "";
        };
    }

    /** A member or field of a collection: few of them, so adds and removes meet. */
    public String member() {
        return random.nextInt(8) == 0 ? bytes(4) : "m" + random.nextInt(6);
    }

    /** A sorted-set score whose text Redis and Java format alike: halves in [-3, 3]. */
    public String score() {
        int halves = random.nextInt(-6, 7);
        return halves % 2 == 0 ? Integer.toString(halves / 2) : Double.toString(halves / 2.0);
    }

    /** An index for LRANGE, LINDEX...: negatives and out-of-range ones included. */
    public String index() {
        return Integer.toString(random.nextInt(-8, 9));
    }
}
