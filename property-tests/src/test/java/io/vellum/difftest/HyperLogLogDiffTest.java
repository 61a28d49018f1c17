package io.vellum.difftest;

import io.vellum.difftest.RandomCommands.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * PFADD, PFCOUNT, PFMERGE and PFDEBUG against a real Redis. GET after each step compares the
 * HLL's bytes (header, cached cardinality, sparse opcodes or dense registers), so the
 * representation, not only the estimate, must be Redis's.
 */
class HyperLogLogDiffTest extends DifferentialTest {

    private static String[] pfadd(String key, int from, int to, String prefix) {
        List<String> c = new ArrayList<>(List.of("PFADD", key));
        for (int i = from; i < to; i++) {
            c.add(prefix + i);
        }
        return c.toArray(String[]::new);
    }

    @Test
    void pfaddCreatesSparseAndCounts() {
        same("PFADD", "h");
        same("GET", "h");
        same("PFADD", "h");
        same("PFCOUNT", "h");
        same("PFADD", "h2", "a", "b", "c");
        same("GET", "h2");
        same("PFADD", "h2", "a");
        same("PFCOUNT", "h2");
        same("GET", "h2"); // the cached cardinality is now valid
        same("PFADD", "h2", "d");
        same("GET", "h2"); // and stale again
        same("PFADD", "h2", "", "\u0000", "\u00ff\u00fe", "longer element than eight bytes");
        same("PFCOUNT", "h2");
        same("PFDEBUG", "DECODE", "h2");
        same("PFDEBUG", "ENCODING", "h2");
        same("OBJECT", "ENCODING", "h2");
        same("TYPE", "h2");
        same("STRLEN", "h2");
        same("PFCOUNT", "missing");
        same("PFCOUNT", "missing", "missing2");
    }

    @Test
    void anEmbstrHllBecomesRawWhenUsed() {
        String empty = "HYLL\u0001" + "\u0000".repeat(10) + "\u0000\u007f\u00ff";
        for (String cmd : new String[] {"PFCOUNT", "PFADD", "PFDEBUG"}) {
            same("SET", "e", empty);
            same("OBJECT", "ENCODING", "e");
            if (cmd.equals("PFDEBUG")) {
                same("PFDEBUG", "ENCODING", "e");
            } else {
                same(cmd, "e");
            }
            same("OBJECT", "ENCODING", "e");
            same("GET", "e");
        }
    }

    @Test
    void sparseGrowsThenTurnsDense() {
        for (int batch = 0; batch < 60; batch++) {
            same(pfadd("h", batch * 50, batch * 50 + 50, "e"));
            same("PFDEBUG", "ENCODING", "h");
            same("STRLEN", "h");
            same("PFCOUNT", "h");
            same("GET", "h");
        }
        same("PFADD", "h", "e1");
        same("PFADD", "h", "brand new");
        same("GET", "h");
    }

    @Test
    void largeCardinalitiesEstimateAsRedis() {
        for (int batch = 0; batch < 200; batch++) {
            same(pfadd("big", batch * 1000, batch * 1000 + 1000, "x"));
            if (batch % 20 == 0) {
                same("PFCOUNT", "big");
            }
        }
        same("PFCOUNT", "big");
        same("GET", "big");
        same(pfadd("other", 150_000, 151_000, "x"));
        same("PFCOUNT", "big", "other");
        same("PFCOUNT", "other", "big", "missing");
    }

    @Test
    void sparseMaxBytesDecidesPromotion() {
        try {
            both("CONFIG", "SET", "hll-sparse-max-bytes", "30");
            same(pfadd("h", 0, 5, "s"));
            same("PFDEBUG", "ENCODING", "h");
            same(pfadd("h", 5, 20, "s"));
            same("PFDEBUG", "ENCODING", "h");
            same("GET", "h");
            both("CONFIG", "SET", "hll-sparse-max-bytes", "0");
            same("PFADD", "z", "one");
            same("PFDEBUG", "ENCODING", "z");
            same("GET", "z");
        } finally {
            both("CONFIG", "SET", "hll-sparse-max-bytes", "3000");
        }
    }

    @Test
    void pfmergeUnionsSparseAndDense() {
        same(pfadd("a", 0, 100, "m"));
        same(pfadd("b", 50, 3000, "m"));
        same(pfadd("c", 2000, 2100, "m"));
        same("PFDEBUG", "ENCODING", "b");
        same("PFMERGE", "d", "a", "c");
        same("GET", "d");
        same("PFDEBUG", "ENCODING", "d");
        same("PFCOUNT", "d");
        same("PFMERGE", "e", "a", "b", "missing");
        same("GET", "e");
        same("PFDEBUG", "ENCODING", "e");
        same("PFMERGE", "a", "c");
        same("GET", "a");
        same("PFMERGE", "fresh");
        same("GET", "fresh");
        same("PFMERGE", "b");
        same("GET", "b");
        same("PFCOUNT", "a", "b", "c", "d", "e");
        same("SET", "s", "plain");
        same("PFMERGE", "a", "s");
        same("PFMERGE", "s", "a");
        same("GET", "s");
        same("LPUSH", "l", "x");
        same("PFMERGE", "a", "l");
        same("PFMERGE", "l", "a");
        same("GET", "a");
    }

    @Test
    void wrongTypesAndCorruption() {
        same("LPUSH", "list", "x");
        same("PFADD", "list", "a");
        same("PFCOUNT", "list");
        same("PFCOUNT", "missing", "list");
        same("SET", "str", "hello");
        same("PFADD", "str", "a");
        same("PFCOUNT", "str");
        same("PFCOUNT", "str", "missing");
        same("SET", "int", "12345678901234567");
        same("PFADD", "int", "a");
        same("SET", "hyll", "HYLL");
        same("PFCOUNT", "hyll");
        // tail added to a sparse HLL
        same("PFADD", "t", "a", "b", "c");
        same("APPEND", "t", "hello");
        same("PFCOUNT", "t");
        same("PFADD", "t", "d");
        same("GET", "t");
        same("PFCOUNT", "t", "t");
        same("PFMERGE", "m", "t");
        // broken magic, unknown encoding
        same("PFADD", "g", "a", "b", "c");
        same("SETRANGE", "g", "0", "0123");
        same("PFCOUNT", "g");
        same("PFADD", "g2", "a", "b", "c");
        same("SETRANGE", "g2", "4", "x");
        same("PFCOUNT", "g2");
        // a dense HLL of the wrong length
        same("PFADD", "d", "a", "b", "c");
        same("SETRANGE", "d", "4", "\u0000");
        same("PFCOUNT", "d");
        same("PFADD", "d", "x");
        same(pfadd("dd", 0, 3000, "q"));
        same("APPEND", "dd", "x");
        same("PFCOUNT", "dd");
        // a sparse HLL whose opcodes cover too few registers
        same("PFADD", "short", "a");
        same("SETRANGE", "short", "16", "\u0000");
        same("GET", "short");
        same("PFCOUNT", "short");
        same("PFADD", "short", "zz", "yy");
        same("GET", "short");
        same("PFDEBUG", "GETREG", "short");
        same("PFDEBUG", "TODENSE", "short");
    }

    @Test
    void corruptedRegistersAreDetectedAsRedisDoes() {
        // Redis's fuzz test: random bytes written over an HLL; every command answers the same
        RandomGenerator r = java.util.random.RandomGeneratorFactory.of("L64X128MixRandom").create(42);
        for (int round = 0; round < 60; round++) {
            both("DEL", "hll");
            same(pfadd("hll", 0, r.nextBoolean() ? 10 : 2000, "f" + round + "-"));
            int len = Integer.parseInt(same("STRLEN", "hll").text().replaceAll("[^0-9]", ""));
            int writes = 1 + r.nextInt(3);
            for (int w = 0; w < writes; w++) {
                int off = 16 + r.nextInt(Math.max(1, len - 16));
                same("SETRANGE", "hll", Integer.toString(off), Character.toString((char) r.nextInt(256)));
            }
            same("PFCOUNT", "hll");
            same("PFADD", "hll", "new" + round, "other" + round);
            same("PFCOUNT", "hll", "missing");
            same("GET", "hll");
        }
    }

    @Test
    void pfdebugSubcommands() {
        same("PFDEBUG", "ENCODING", "missing");
        same("PFDEBUG", "GETREG", "missing");
        same("PFADD", "h", "a", "b", "c", "d");
        same("PFDEBUG", "DECODE", "h");
        same("PFDEBUG", "NOPE", "h");
        same("PFDEBUG", "encoding", "h");
        same("PFDEBUG", "GETREG", "h");
        same("GET", "h");
        same("PFDEBUG", "DECODE", "h");
        same("PFADD", "h2", "x");
        same("PFDEBUG", "TODENSE", "h2");
        same("PFDEBUG", "TODENSE", "h2");
        same("GET", "h2");
        same("PFDEBUG", "ENCODING", "h2");
        same("PFDEBUG", "ENCODING");
        same("PFDEBUG", "ENCODING", "h2", "extra");
        same("SET", "s", "x");
        same("PFDEBUG", "ENCODING", "s");
        same("PFADD");
        same("PFCOUNT");
        same("PFMERGE");
    }

    @Test
    void ttlSurvivesChanges() {
        same("PFADD", "h", "a");
        same("EXPIREAT", "h", "99999999999");
        same("PFADD", "h", "b");
        same("PFCOUNT", "h");
        same(pfadd("h", 0, 3000, "t"));
        same("PFMERGE", "h", "missing");
        same("EXPIRETIME", "h");
    }

    @Test
    void selftestPasses() {
        if (protocol == 2) { // its reply does not depend on the protocol and it takes seconds
            same("PFSELFTEST");
        }
    }

    // ------------------------------------------------------------------ random mode

    private static final String[] KEYS = {"h0", "h1", "h2", "h3", "s"};

    @Test
    void randomHyperLogLogCommands() {
        RandomCommands.run(this, "hyperloglog RESP" + protocol, RandomCommands.seed(),
                RandomCommands.commands(1000), HyperLogLogDiffTest::next);
        for (String k : KEYS) {
            same("GET", k);
        }
    }

    private static String key(RandomGenerator r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    private static String element(RandomGenerator r) {
        return switch (r.nextInt(10)) {
            case 0 -> "";
            case 1 -> Character.toString((char) r.nextInt(256)) + (char) r.nextInt(256);
            default -> "e" + r.nextInt(r.nextBoolean() ? 300 : 20_000);
        };
    }

    private static Step next(RandomGenerator r) {
        List<String> c = new ArrayList<>();
        switch (r.nextInt(20)) {
            case 0, 1, 2, 3, 4, 5, 6 -> {
                c.addAll(List.of("PFADD", key(r)));
                int n = r.nextInt(4) == 0 ? r.nextInt(200) : r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    c.add(element(r));
                }
            }
            case 7, 8, 9 -> {
                c.add("PFCOUNT");
                int n = 1 + (r.nextInt(3) == 0 ? r.nextInt(3) : 0);
                for (int i = 0; i < n; i++) {
                    c.add(key(r));
                }
            }
            case 10, 11 -> {
                c.add("PFMERGE");
                int n = 1 + r.nextInt(3);
                for (int i = 0; i < n; i++) {
                    c.add(key(r));
                }
            }
            case 12, 13 -> c.addAll(List.of("GET", key(r)));
            case 14 -> c.addAll(List.of("PFDEBUG", r.nextBoolean() ? "ENCODING" : "DECODE", key(r)));
            case 15 -> c.addAll(List.of("PFDEBUG", r.nextBoolean() ? "TODENSE" : "GETREG", key(r)));
            case 16 -> c.addAll(List.of("DEL", key(r)));
            case 17 -> c.addAll(List.of("SET", "s", r.nextBoolean() ? "plain" : "HYLL\u0001"));
            case 18 -> c.addAll(List.of("COPY", key(r), key(r), "REPLACE"));
            default -> c.addAll(List.of("STRLEN", key(r)));
        }
        return Step.exact(c.toArray(String[]::new));
    }
}
