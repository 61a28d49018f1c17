package io.vellum.difftest;

import io.vellum.difftest.RandomCommands.Step;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Seeded random set commands against a real Redis (RandomCommands; -Dvellum.seed replays,
 * -Dvellum.commands sets the count). Members mix integers and strings so sets pass through
 * intset, listpack and hashtable; now and then a large SADD crosses the thresholds. Random
 * pops are compared by shape and the popped key is then deleted on both sides so the two
 * stores stay equal.
 */
class SetRandomDiffTest extends DifferentialTest {

    @Test
    void randomSetCommands() {
        RandomCommands.run(this, "sets", RandomCommands.seed(), RandomCommands.commands(1500), new Generator());
    }

    static final class Generator implements Function<RandomGenerator, Step> {
        private final Deque<Step> pending = new ArrayDeque<>();

        private static String key(RandomGenerator r) {
            return r.nextInt(20) == 0 ? "str" : "s" + r.nextInt(5);
        }

        private static String member(RandomGenerator r) {
            return switch (r.nextInt(4)) {
                case 0 -> Integer.toString(r.nextInt(40) - 5);
                case 1 -> Long.toString(r.nextLong());
                case 2 -> "m" + r.nextInt(60);
                default -> Integer.toString(r.nextInt(25));
            };
        }

        private static String[] cmd(String name, String key, RandomGenerator r, int members) {
            List<String> c = new ArrayList<>(List.of(name, key));
            for (int i = 0; i < members; i++) {
                c.add(member(r));
            }
            return c.toArray(new String[0]);
        }

        private static String[] keys(String name, RandomGenerator r, String... prefix) {
            List<String> c = new ArrayList<>(List.of(name));
            c.addAll(List.of(prefix));
            int n = 1 + r.nextInt(3);
            for (int i = 0; i < n; i++) {
                c.add(key(r));
            }
            return c.toArray(new String[0]);
        }

        @Override
        public Step apply(RandomGenerator r) {
            if (!pending.isEmpty()) {
                return pending.poll();
            }
            int p = r.nextInt(100);
            if (p < 2) {
                // a large insert: intset -> hashtable, listpack -> hashtable
                String k = "s" + r.nextInt(5);
                List<String> c = new ArrayList<>(List.of("SADD", k));
                boolean ints = r.nextBoolean();
                int n = 100 + r.nextInt(500);
                for (int i = 0; i < n; i++) {
                    c.add(ints ? Integer.toString(r.nextInt(2000)) : "big" + r.nextInt(400));
                }
                return Step.exact(c.toArray(new String[0]));
            }
            if (p < 25) {
                return Step.exact(cmd("SADD", key(r), r, 1 + r.nextInt(4)));
            }
            if (p < 33) {
                return Step.exact(cmd("SREM", key(r), r, 1 + r.nextInt(3)));
            }
            if (p < 38) {
                return Step.exact("SMOVE", key(r), key(r), member(r));
            }
            if (p < 45) {
                return Step.exact("SISMEMBER", key(r), member(r));
            }
            if (p < 48) {
                return Step.exact(cmd("SMISMEMBER", key(r), r, 1 + r.nextInt(4)));
            }
            if (p < 53) {
                return Step.exact("SCARD", key(r));
            }
            if (p < 60) {
                return Step.unordered("SMEMBERS", key(r));
            }
            if (p < 64) {
                return Step.unordered(keys("SINTER", r));
            }
            if (p < 68) {
                return Step.unordered(keys("SUNION", r));
            }
            if (p < 72) {
                return Step.unordered(keys("SDIFF", r));
            }
            if (p < 78) {
                String[] names = {"SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"};
                return Step.exact(keys(names[r.nextInt(3)], r, key(r)));
            }
            if (p < 81) {
                String[] k = keys("SINTERCARD", r);
                List<String> c = new ArrayList<>(List.of(k));
                c.add(1, Integer.toString(k.length - 1));
                if (r.nextBoolean()) {
                    c.add("LIMIT");
                    c.add(Integer.toString(r.nextInt(5)));
                }
                return Step.exact(c.toArray(new String[0]));
            }
            if (p < 87) {
                String k = key(r);
                String count = r.nextInt(3) == 0 ? null : Integer.toString(r.nextInt(12) - 2);
                return count == null ? Step.shape("SRANDMEMBER", k) : Step.shape("SRANDMEMBER", k, count);
            }
            if (p < 91) {
                // the picks differ between the servers: compare the shape, then drop the key
                String k = key(r);
                pending.add(Step.exact("DEL", k));
                return r.nextBoolean() ? Step.shape("SPOP", k) : Step.shape("SPOP", k, Integer.toString(r.nextInt(8)));
            }
            if (p < 94) {
                // popping a whole set is deterministic
                return Step.unordered("SPOP", key(r), "1000000"); // more than any set here holds
            }
            if (p < 96) {
                return Step.exact("DEL", key(r));
            }
            return Step.exact("SET", "str", "value");
        }
    }
}
