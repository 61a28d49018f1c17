package io.vellum.difftest;

import static io.vellum.difftest.KeysDiffTest.FAR_MS;
import static io.vellum.difftest.KeysDiffTest.FAR_SECONDS;

import io.vellum.difftest.RandomCommands.Step;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Seeded random sequences of key and expiry commands mixed with SET/GET/DEL over a small key
 * space and four databases, against a real Redis (RandomCommands: the seed is printed;
 * {@code -Dvellum.seed=N} replays, {@code -Dvellum.commands=N} sets the count).
 *
 * <p>Expiry times are absolute and far in the future, or in the past (which deletes at once),
 * so no key expires on its own during a run and replies compare exactly; TTL, whose value
 * depends on each server's clock, is compared by shape. KEYS and SCAN compare as sets
 * (KnownDifferences ORDER), RANDOMKEY and DUMP by shape (RANDOM, DUMP_FORMAT).
 */
class KeysRandomDiffTest extends DifferentialTest {
    private static final String[] VALUES = {"v", "hello", "123", "0", "9999", "10000", "-7", "", "x".repeat(50)};
    private static final String[] PATTERNS = {"*", "k*", "k?", "k[0-3]", "*1*", "nothing", "[^k]*"};
    private static final String[] FLAGS = {"NX", "XX", "GT", "LT"};

    @Test
    void randomKeyCommands() {
        RandomCommands.run(this, "keys", RandomCommands.seed(), RandomCommands.commands(1500), KeysRandomDiffTest::step);
    }

    private static String key(RandomGenerator r) {
        return "k" + r.nextInt(8);
    }

    private static String db(RandomGenerator r) {
        return Integer.toString(r.nextInt(4));
    }

    /** One of a few far-future times close together, so GT/LT/NX/XX meet equal, later and earlier times. */
    private static String farSeconds(RandomGenerator r) {
        return Long.toString(FAR_SECONDS + r.nextInt(3));
    }

    private static String farMillis(RandomGenerator r) {
        return Long.toString(FAR_MS + 500L * r.nextInt(4));
    }

    private static String flag(RandomGenerator r) {
        return FLAGS[r.nextInt(FLAGS.length)];
    }

    static Step step(RandomGenerator r) {
        String k = key(r);
        String k2 = key(r);
        return switch (r.nextInt(36)) {
            case 0, 1, 2 -> Step.exact("SET", k, VALUES[r.nextInt(VALUES.length)]);
            case 3 -> Step.exact("SET", k, VALUES[r.nextInt(VALUES.length)], "PXAT", farMillis(r));
            case 4, 5 -> Step.exact("GET", k);
            case 6 -> Step.exact("DEL", k, k2);
            case 7 -> Step.exact("UNLINK", k);
            case 8 -> Step.exact("EXISTS", k, k2, k);
            case 9 -> Step.exact("TYPE", k);
            case 10 -> Step.exact("RENAME", k, k2);
            case 11 -> Step.exact("RENAMENX", k, k2);
            case 12 -> r.nextBoolean() ? Step.exact("COPY", k, k2) : Step.exact("COPY", k, k2, "DB", db(r), "REPLACE");
            case 13 -> Step.exact("MOVE", k, db(r));
            case 14 -> Step.exact("SWAPDB", db(r), db(r));
            case 15 -> Step.exact("SELECT", db(r));
            case 16 -> Step.exact("EXPIREAT", k, farSeconds(r));
            case 17 -> Step.exact("PEXPIREAT", k, farMillis(r), flag(r));
            case 18 -> Step.exact("EXPIREAT", k, farSeconds(r), flag(r));
            case 19 -> Step.exact("EXPIRE", k, Integer.toString(-r.nextInt(3)), flag(r));
            case 20 -> Step.exact("PEXPIREAT", k, Integer.toString(r.nextInt(3)));
            case 21 -> Step.exact("PERSIST", k);
            case 22 -> Step.exact("EXPIRETIME", k);
            case 23 -> Step.exact("PEXPIRETIME", k);
            case 24 -> Step.shape(r.nextBoolean() ? "TTL" : "PTTL", k);
            case 25 -> Step.unordered("KEYS", PATTERNS[r.nextInt(PATTERNS.length)]);
            case 26 -> r.nextBoolean()
                    ? Step.unordered("SCAN", "0", "COUNT", "1000", "MATCH", PATTERNS[r.nextInt(PATTERNS.length)])
                    : Step.unordered("SCAN", "0", "COUNT", "1000", "TYPE", r.nextBoolean() ? "string" : "list");
            case 27 -> Step.shape("RANDOMKEY");
            case 28 -> Step.exact("DBSIZE");
            case 29 -> Step.exact("OBJECT", "ENCODING", k);
            case 30 -> Step.exact("TOUCH", k, k2);
            case 31 -> Step.shape("DUMP", k);
            case 32 -> Step.exact("RESTORE", k, "0", "not a payload", r.nextBoolean() ? "REPLACE" : "ABSTTL");
            case 33 -> Step.exact("EXPIRE", k, "x", flag(r), flag(r));
            case 34 -> Step.exact("SWAPDB", db(r), "x");
            default -> Step.exact("MOVE", k, r.nextBoolean() ? "16" : "-1");
        };
    }
}
