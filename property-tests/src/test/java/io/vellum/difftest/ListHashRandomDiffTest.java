package io.vellum.difftest;

import io.vellum.difftest.RandomCommands.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Seeded random command sequences for lists and hashes against a real redis-server
 * ({@link RandomCommands}: the seed is printed, {@code -Dvellum.seed=N} replays it,
 * {@code -Dvellum.commands=N} sets the count). Keys, elements and fields come from small
 * pools so commands meet each other's data; a string key gives WRONGTYPE now and then.
 */
class ListHashRandomDiffTest extends CollectionDiffTest {
    private static final int CI_COMMANDS = 1500;
    private static final String[] LIST_KEYS = {"l0", "l1", "l2", "str"};
    private static final String[] HASH_KEYS = {"h0", "h1", "h2", "str"};

    @Test
    void lists() {
        same("SET", "str", "v");
        RandomCommands.run(this, "lists", RandomCommands.seed(), RandomCommands.commands(CI_COMMANDS), ListHashRandomDiffTest::listStep);
    }

    /** Small hashes stay listpacks (at most 40 fields of short values): every reply is exact. */
    @Test
    void listpackHashes() {
        same("SET", "str", "v");
        RandomCommands.run(this, "listpack hashes", RandomCommands.seed(), RandomCommands.commands(CI_COMMANDS),
                r -> hashStep(r, false));
    }

    /** Low thresholds make hashtables: their iteration order is Redis's hash order, compared as multisets. */
    @Test
    void hashtableHashes() {
        configure("hash-max-listpack-entries", 8);
        configure("hash-max-listpack-value", 16);
        same("SET", "str", "v");
        RandomCommands.run(this, "hashtable hashes", RandomCommands.seed(), RandomCommands.commands(CI_COMMANDS),
                r -> hashStep(r, true));
    }

    // ------------------------------------------------------------------ lists

    private static String pick(RandomGenerator r, String... options) {
        return options[r.nextInt(options.length)];
    }

    private static String listKey(RandomGenerator r) {
        return r.nextInt(30) == 0 ? "str" : LIST_KEYS[r.nextInt(3)];
    }

    private static String element(RandomGenerator r) {
        return switch (r.nextInt(10)) {
            case 0 -> Long.toString(r.nextLong(-70000, 70000));
            case 1 -> "e".repeat(r.nextInt(1, 120));
            case 2 -> r.nextInt(40) == 0 ? "big".repeat(3000) : "x" + r.nextInt(3);
            default -> pick(r, "a", "b", "c", "d", "1", "-1", "0");
        };
    }

    private static String index(RandomGenerator r) {
        return r.nextInt(20) == 0 ? pick(r, "x", "9223372036854775807", "-9223372036854775808") : Integer.toString(r.nextInt(-8, 9));
    }

    private static String side(RandomGenerator r) {
        return r.nextInt(40) == 0 ? "UP" : pick(r, "LEFT", "RIGHT");
    }

    private static Step listStep(RandomGenerator r) {
        String k = listKey(r);
        int op = r.nextInt(100);
        List<String> c = new ArrayList<>();
        if (op < 22) {
            c.add(pick(r, "LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"));
            c.add(k);
            int n = r.nextInt(1, 5);
            for (int i = 0; i < n; i++) {
                c.add(element(r));
            }
        } else if (op < 34) {
            c.add(pick(r, "LPOP", "RPOP"));
            c.add(k);
            if (r.nextBoolean()) {
                c.add(r.nextInt(15) == 0 ? pick(r, "-1", "x") : Integer.toString(r.nextInt(0, 6)));
            }
        } else if (op < 40) {
            c.addAll(List.of("LRANGE", k, index(r), index(r)));
        } else if (op < 45) {
            c.addAll(List.of("LINDEX", k, index(r)));
        } else if (op < 50) {
            c.addAll(List.of("LSET", k, index(r), element(r)));
        } else if (op < 53) {
            c.addAll(List.of("LTRIM", k, Integer.toString(r.nextInt(-2, 3)), Integer.toString(r.nextInt(-3, 30))));
        } else if (op < 59) {
            c.addAll(List.of("LREM", k, Integer.toString(r.nextInt(-3, 4)), element(r)));
        } else if (op < 65) {
            c.addAll(List.of("LINSERT", k, r.nextInt(40) == 0 ? "AROUND" : pick(r, "BEFORE", "AFTER"), element(r), element(r)));
        } else if (op < 71) {
            c.addAll(List.of("LPOS", k, element(r)));
            if (r.nextBoolean()) {
                c.addAll(List.of("RANK", Integer.toString(r.nextInt(-3, 4))));
            }
            if (r.nextBoolean()) {
                c.addAll(List.of("COUNT", Integer.toString(r.nextInt(-1, 4))));
            }
            if (r.nextInt(3) == 0) {
                c.addAll(List.of("MAXLEN", Integer.toString(r.nextInt(-1, 6))));
            }
        } else if (op < 78) {
            if (r.nextBoolean()) {
                c.addAll(List.of("LMOVE", k, listKey(r), side(r), side(r)));
            } else {
                c.addAll(List.of("RPOPLPUSH", k, listKey(r)));
            }
        } else if (op < 84) {
            int n = r.nextInt(1, 4);
            c.addAll(List.of("LMPOP", Integer.toString(n)));
            for (int i = 0; i < n; i++) {
                c.add(listKey(r));
            }
            c.add(side(r));
            if (r.nextBoolean()) {
                c.addAll(List.of("COUNT", Integer.toString(r.nextInt(0, 5))));
            }
        } else if (op < 90) {
            // blocking commands that either serve at once or time out after 10 ms on both servers
            switch (r.nextInt(5)) {
                case 0 -> c.addAll(List.of("BLPOP", k, listKey(r), "0.01"));
                case 1 -> c.addAll(List.of("BRPOP", k, "0.01"));
                case 2 -> c.addAll(List.of("BLMOVE", k, listKey(r), side(r), side(r), "0.01"));
                case 3 -> c.addAll(List.of("BRPOPLPUSH", k, listKey(r), "0.01"));
                default -> c.addAll(List.of("BLMPOP", "0.01", "2", k, listKey(r), side(r), "COUNT", Integer.toString(r.nextInt(1, 4))));
            }
        } else if (op < 96) {
            c.addAll(List.of("LLEN", k));
        } else if (op < 98) {
            c.addAll(List.of("LRANGE", k, "0", "-1"));
        } else {
            c.addAll(List.of("DEL", LIST_KEYS[r.nextInt(3)]));
        }
        return Step.exact(c.toArray(new String[0]));
    }

    // ------------------------------------------------------------------ hashes

    private static String hashKey(RandomGenerator r) {
        return r.nextInt(30) == 0 ? "str" : HASH_KEYS[r.nextInt(3)];
    }

    private static String field(RandomGenerator r) {
        return r.nextInt(25) == 0 ? "" : "f" + r.nextInt(40);
    }

    private static String hashValue(RandomGenerator r, boolean longOnes) {
        return switch (r.nextInt(8)) {
            case 0 -> Long.toString(r.nextLong(-1000, 1000));
            case 1 -> r.nextInt(3) + "." + r.nextInt(100);
            case 2 -> longOnes ? "L".repeat(r.nextInt(10, 40)) : "v".repeat(r.nextInt(0, 30));
            case 3 -> r.nextInt(30) == 0 ? "9223372036854775807" : "not-a-number";
            default -> "v" + r.nextInt(10);
        };
    }

    private static Step hashStep(RandomGenerator r, boolean hashtables) {
        String k = hashKey(r);
        int op = r.nextInt(100);
        List<String> c = new ArrayList<>();
        if (op < 25) {
            c.add(pick(r, "HSET", "HSET", "HMSET"));
            c.add(k);
            int n = r.nextInt(1, 4);
            for (int i = 0; i < n; i++) {
                c.add(field(r));
                c.add(hashValue(r, hashtables));
            }
            if (r.nextInt(40) == 0) {
                c.add("odd");
            }
        } else if (op < 29) {
            c.addAll(List.of("HSETNX", k, field(r), hashValue(r, hashtables)));
        } else if (op < 37) {
            c.addAll(List.of("HGET", k, field(r)));
        } else if (op < 41) {
            c.addAll(List.of("HMGET", k, field(r), field(r)));
        } else if (op < 49) {
            c.add("HDEL");
            c.add(k);
            int n = r.nextInt(1, 4);
            for (int i = 0; i < n; i++) {
                c.add(field(r));
            }
        } else if (op < 53) {
            c.addAll(List.of(pick(r, "HLEN", "HSTRLEN", "HEXISTS"), k));
            if (!c.get(0).equals("HLEN")) {
                c.add(field(r));
            }
        } else if (op < 61) {
            c.addAll(List.of("HINCRBY", k, field(r),
                    r.nextInt(20) == 0 ? pick(r, "x", "9223372036854775807", "-9223372036854775808") : Integer.toString(r.nextInt(-50, 50))));
        } else if (op < 68) {
            c.addAll(List.of("HINCRBYFLOAT", k, field(r),
                    r.nextInt(20) == 0 ? pick(r, "x", "inf", "1e5000") : r.nextInt(-20, 20) + "." + r.nextInt(1000)));
        } else if (op < 78) {
            String cmd = pick(r, "HGETALL", "HKEYS", "HVALS");
            return hashtables ? Step.unordered(cmd, k) : Step.exact(cmd, k);
        } else if (op < 88) {
            c.addAll(List.of("HRANDFIELD", k));
            if (r.nextInt(4) > 0) {
                c.add(Integer.toString(r.nextInt(-12, 13)));
                if (r.nextBoolean()) {
                    c.add("WITHVALUES");
                }
            }
            return Step.shape(c.toArray(new String[0]));
        } else if (op < 95) {
            c.addAll(List.of("HSCAN", k, "0"));
            if (r.nextBoolean()) {
                c.addAll(List.of("MATCH", pick(r, "f1*", "*", "f?", "[a-f]*")));
            }
            if (hashtables) {
                c.addAll(List.of("COUNT", "1000"));
                return Step.unordered(c.toArray(new String[0]));
            }
            if (r.nextBoolean()) {
                c.addAll(List.of("COUNT", Integer.toString(r.nextInt(1, 5))));
            }
        } else {
            c.addAll(List.of(pick(r, "DEL", "EXISTS"), HASH_KEYS[r.nextInt(3)]));
        }
        return Step.exact(c.toArray(new String[0]));
    }
}
