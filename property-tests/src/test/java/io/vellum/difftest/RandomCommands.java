package io.vellum.difftest;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * Seeded random command sequences for the differential tests. The seed is printed before a
 * run and in every failure, and {@code -Dvellum.seed=N} replays it; {@code -Dvellum.commands=N}
 * changes the number of commands per run (CI keeps it bounded; the soak profile raises it).
 */
public final class RandomCommands {
    private RandomCommands() {
    }

    /** One generated step: the command and how to compare its replies. */
    public record Step(String[] command, Compare compare) {
        public static Step exact(String... cmd) {
            return new Step(cmd, Compare.EXACT);
        }

        public static Step unordered(String... cmd) {
            return new Step(cmd, Compare.UNORDERED);
        }

        public static Step floats(String... cmd) {
            return new Step(cmd, Compare.FLOATS);
        }

        public static Step shape(String... cmd) {
            return new Step(cmd, Compare.SHAPE);
        }
    }

    public enum Compare { EXACT, UNORDERED, FLOATS, SHAPE }

    public static long seed() {
        String s = System.getProperty("vellum.seed");
        return s != null ? Long.parseLong(s) : new java.security.SecureRandom().nextLong();
    }

    public static int commands(int ciDefault) {
        return Integer.getInteger("vellum.commands", ciDefault);
    }

    /**
     * Runs {@code count} steps from {@code generator} against both stores through the test's
     * comparison methods. On a difference it fails with the seed and the last steps.
     */
    public static void run(DifferentialTest test, String name, long seed, int count,
            Function<RandomGenerator, Step> generator) {
        System.out.println("[random] " + name + " seed=" + seed + " commands=" + count
                + " (replay: -Dvellum.seed=" + seed + ")");
        RandomGenerator r = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
        Deque<String> recent = new ArrayDeque<>();
        for (int i = 0; i < count; i++) {
            Step step = generator.apply(r);
            recent.addLast(String.join(" ", step.command()));
            if (recent.size() > 20) {
                recent.removeFirst();
            }
            try {
                switch (step.compare()) {
                    case EXACT -> test.same(step.command());
                    case UNORDERED -> test.sameUnordered(step.command());
                    case FLOATS -> test.sameFloats(step.command());
                    case SHAPE -> test.sameShape(step.command());
                }
            } catch (AssertionError e) {
                throw new AssertionError("random run '" + name + "' seed=" + seed + " failed at command " + i
                        + "\nlast commands:\n  " + String.join("\n  ", recent) + "\n" + e.getMessage(), e);
            }
        }
    }
}
