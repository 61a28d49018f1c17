package io.vellum.sim;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs a property over many seeded action sequences. Each sequence's seed is the run's base
 * seed plus its number, so one line names every seed a run used. On a failure it shrinks the
 * sequence ({@link Shrinker}) and fails with the seed and the shrunk sequence as a runnable
 * JUnit test.
 *
 * <p>System properties: {@code -Dvellum.seed=N} runs the one sequence of seed N;
 * {@code -Dvellum.sim.count=N} runs N sequences per property instead of the CI default;
 * {@code -Dvellum.soak=S} runs each property for S seconds (the seeds are printed); the
 * default build runs fixed seeds ({@link #CI_BASE_SEED}), {@code -Dvellum.sim.explore=true}
 * fresh ones.
 */
public final class Sim {
    private Sim() {
    }

    /** A property of action sequences: throws (an assertion) when it does not hold. */
    @FunctionalInterface
    public interface Property {
        void check(List<Action> actions) throws Exception;
    }

    /** What the runs did, for the closing line (crashes, reopens, commands...). */
    public static final Stats STATS = new Stats();

    /**
     * Checks {@code property} on generated sequences.
     *
     * @param name         the property, for messages
     * @param ciCount      sequences in the default build
     * @param generator    a sequence from a seeded {@link Gen}
     * @param property     the property
     * @param snippetCall  the static method a printed test calls with the list, e.g. {@code ReplayEquivalencePropertyTest.check}
     */
    public static void check(String name, int ciCount, Function<Gen, List<Action>> generator, Property property,
                             String snippetCall) {
        Long only = Long.getLong("vellum.seed");
        long soakSeconds = Long.getLong("vellum.soak", 0L);
        int count = Integer.getInteger("vellum.sim.count", ciCount);
        long base = baseSeed(only, soakSeconds);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(soakSeconds);
        STATS.reset();
        long t0 = System.nanoTime();
        long sequences = 0;
        long actions = 0;
        for (long i = 0; ; i++) {
            if (only != null ? i >= 1 : soakSeconds > 0 ? System.nanoTime() > deadline : i >= count) {
                break;
            }
            long seed = base + i;
            List<Action> run = generator.apply(new Gen(seed));
            sequences++;
            actions += run.size();
            Throwable failure = failure(property, run);
            if (failure != null) {
                report(name, seed, run, failure, property, snippetCall);
            }
        }
        System.out.printf("%s: %d sequences, seeds %d..%d (-Dvellum.seed=N replays one), %d actions, %s, %d s%n",
                name, sequences, base, base + sequences - 1, actions, STATS, (System.nanoTime() - t0) / 1_000_000_000);
    }

    /** A property of a seed alone (concurrent runs: their interleaving cannot be replayed, so they are not shrunk). */
    @FunctionalInterface
    public interface SeedProperty {
        void check(long seed) throws Exception;
    }

    /**
     * The default build runs the same seeds every time, so a build's result does not depend on
     * luck: a new failure comes from a change, not from a seed no one ran before. Soaks
     * ({@code -Dvellum.soak=S}) and {@code -Dvellum.sim.explore=true} draw fresh seeds from
     * the clock and print them.
     */
    static final long CI_BASE_SEED = 20_261_206_000L;

    private static long baseSeed(Long only, long soakSeconds) {
        if (only != null) {
            return only;
        }
        return soakSeconds > 0 || Boolean.getBoolean("vellum.sim.explore") ? System.nanoTime() : CI_BASE_SEED;
    }

    /** Checks {@code property} for {@code ciCount} seeds (or as the system properties of the class comment say). */
    public static void checkSeeds(String name, int ciCount, SeedProperty property) {
        Long only = Long.getLong("vellum.seed");
        long soakSeconds = Long.getLong("vellum.soak", 0L);
        int count = Integer.getInteger("vellum.sim.count", ciCount);
        long base = baseSeed(only, soakSeconds);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(soakSeconds);
        long t0 = System.nanoTime();
        long runs = 0;
        for (long i = 0; ; i++) {
            if (only != null ? i >= 1 : soakSeconds > 0 ? System.nanoTime() > deadline : i >= count) {
                break;
            }
            long seed = base + i;
            runs++;
            try {
                property.check(seed);
            } catch (Throwable e) {
                String message = name + " failed, seed " + seed + " (-Dvellum.seed=" + seed
                        + " repeats its choices, not its thread timing): " + e;
                System.out.println(message);
                throw new AssertionError(message, e);
            }
        }
        System.out.printf("%s: %d runs, seeds %d..%d, %d s%n", name, runs, base, base + runs - 1,
                (System.nanoTime() - t0) / 1_000_000_000);
    }

    /** Runs {@code property} once; the failure, or null. */
    static Throwable failure(Property property, List<Action> actions) {
        try {
            property.check(actions);
            return null;
        } catch (Throwable e) {
            return e;
        }
    }

    private static void report(String name, long seed, List<Action> run, Throwable failure, Property property,
                               String snippetCall) {
        System.out.println(name + ": seed " + seed + " FAILED after " + run.size() + " actions: " + failure);
        Shrinker shrinker = new Shrinker(candidate -> failure(property, candidate) != null,
                Integer.getInteger("vellum.shrink.runs", 2000), Long.getLong("vellum.shrink.millis", 60_000L));
        List<Action> small = shrinker.shrink(run);
        Throwable smallFailure = failure(property, small);
        String test = snippet(seed, small, snippetCall);
        String message = name + " failed, seed " + seed + " (-Dvellum.seed=" + seed + " replays it); shrunk from "
                + run.size() + " to " + small.size() + " actions in " + shrinker.runs() + " re-runs.\n"
                + "Failure of the shrunk run: " + smallFailure + "\n"
                + "As a test:\n" + test;
        System.out.println(message);
        AssertionError e = new AssertionError(message, smallFailure != null ? smallFailure : failure);
        throw e;
    }

    static String snippet(long seed, List<Action> actions, String snippetCall) {
        return "    @Test\n"
                + "    void shrunkSeed" + Long.toString(seed).replace('-', 'm') + "() throws Exception {\n"
                + "        // import static io.vellum.sim.Action.*;\n"
                + "        " + snippetCall + "(List.of(\n"
                + Action.listJava(actions, "                ") + "));\n"
                + "    }\n";
    }

    /** Counters the stores bump as they go. */
    public static final class Stats {
        long commands;
        long reopens;
        long crashes;
        long crashesDuringSnapshot;
        long tornTails;
        long tornCovered;
        long logOnlyReplaysImpossible;
        long replicaRestarts;
        long replicaResyncs;
        long checks;

        void reset() {
            commands = reopens = crashes = crashesDuringSnapshot = tornTails = tornCovered = logOnlyReplaysImpossible = replicaRestarts = replicaResyncs = checks = 0;
        }

        @Override
        public String toString() {
            return commands + " commands, " + reopens + " reopens, " + crashes + " crashes ("
                    + crashesDuringSnapshot + " during a BGSAVE), " + tornTails
                    + " torn tails (tornCovered=" + tornCovered + ": a snapshot covered the record), " + checks
                    + " rebuilt-store checks (" + logOnlyReplaysImpossible + " of them without the log-only replay: the log"
                    + " held a stand-in for a lost record)"
                    + (replicaRestarts + replicaResyncs > 0 ? ", replica: " + replicaRestarts + " restarts, " + replicaResyncs
                    + " full resyncs" : "");
        }
    }
}
