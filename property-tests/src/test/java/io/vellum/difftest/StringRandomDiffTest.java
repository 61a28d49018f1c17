package io.vellum.difftest;

import io.vellum.difftest.RandomCommands.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * Seeded random sequences of every string and bit command over six keys, compared reply by
 * reply with a real Redis, then key by key. Values are drawn to hit the interesting cases often:
 * integers near the 64-bit limits, floats, empty and binary strings, offsets and ranges around
 * the strings' ends, every bitfield width and overflow mode.
 *
 * <p>No reply here depends on timing: expire times are far in the future or already past, and
 * nothing reads a TTL or counts keys (Redis's background expiry would race with DBSIZE).
 */
class StringRandomDiffTest extends DifferentialTest {
    private static final String[] KEYS = {"k0", "k1", "k2", "k3", "k4", "k5"};
    private static final String[] INTEGERS = {"0", "1", "-1", "7", "-42", "100", "9223372036854775807",
            "-9223372036854775808", "9223372036854775806", "-9223372036854775807", "4611686018427387904",
            "9223372036854775808", "01", "+5", " 3", "1.0"};
    private static final String[] FLOATS = {"0", "1.5", "-0.25", "3e2", "0.1", "-1e-3", "1e308", "-1e308",
            "5.0e3", "17", "2.5E-10", "abc", "inf", "1e4000", ".5", "0x1p4"};

    @Test
    void randomStringAndBitCommands() {
        RandomCommands.run(this, "strings-and-bits RESP" + protocol, RandomCommands.seed(),
                RandomCommands.commands(1500), StringRandomDiffTest::next);
        for (String k : KEYS) {
            same("GET", k);
            same("EXISTS", k);
        }
    }

    private static String key(RandomGenerator r) {
        return KEYS[r.nextInt(KEYS.length)];
    }

    private static String pick(RandomGenerator r, String[] from) {
        return from[r.nextInt(from.length)];
    }

    private static String index(RandomGenerator r) {
        return switch (r.nextInt(12)) {
            case 0 -> "9223372036854775807";
            case 1 -> "-9223372036854775808";
            case 2 -> "x";
            default -> Integer.toString(r.nextInt(61) - 30);
        };
    }

    private static String value(RandomGenerator r) {
        return switch (r.nextInt(6)) {
            case 0 -> pick(r, INTEGERS);
            case 1 -> pick(r, FLOATS);
            case 2 -> Integer.toString(r.nextInt(2001) - 1000);
            default -> {
                int n = r.nextInt(r.nextInt(4) == 0 ? 40 : 10);
                StringBuilder sb = new StringBuilder(n);
                for (int i = 0; i < n; i++) {
                    int c = r.nextInt(20);
                    sb.append(c == 0 ? '\u0000' : c == 1 ? '\u00ff' : c == 2 ? '\u0080' : (char) ('a' + r.nextInt(4)));
                }
                yield sb.toString();
            }
        };
    }

    /** An expire option that never races with real time: far in the future, or already past. */
    private static List<String> expire(RandomGenerator r, boolean getex) {
        return switch (r.nextInt(getex ? 8 : 7)) {
            case 0 -> List.of("EX", "100000");
            case 1 -> List.of("PX", "100000000");
            case 2 -> List.of("EXAT", "99999999999");
            case 3 -> List.of("PXAT", "99999999999999");
            case 4 -> List.of("PXAT", "1");
            case 5 -> List.of("EX", r.nextBoolean() ? "0" : "-3");
            case 6 -> List.of(getex ? "PERSIST" : "KEEPTTL");
            default -> List.of();
        };
    }

    private static String bitfieldType(RandomGenerator r) {
        boolean signed = r.nextBoolean();
        int bits = r.nextInt(8) == 0 ? (signed ? 64 : 63) : 1 + r.nextInt(signed ? 64 : 63);
        if (r.nextInt(40) == 0) {
            return signed ? "i65" : "u64";
        }
        return (signed ? "i" : "u") + bits;
    }

    private static String bitfieldOffset(RandomGenerator r) {
        return r.nextInt(4) == 0 ? "#" + r.nextInt(8) : Integer.toString(r.nextInt(120));
    }

    private static Step next(RandomGenerator r) {
        List<String> c = new ArrayList<>();
        switch (r.nextInt(30)) {
            case 0, 1 -> {
                c.addAll(List.of("SET", key(r), value(r)));
                if (r.nextInt(3) == 0) {
                    c.add(r.nextBoolean() ? "NX" : "XX");
                }
                if (r.nextInt(3) == 0) {
                    c.add("GET");
                }
                if (r.nextBoolean()) {
                    c.addAll(expire(r, false));
                }
            }
            case 2 -> c.addAll(List.of("GET", key(r)));
            case 3 -> c.addAll(List.of(r.nextBoolean() ? "GETSET" : "GETDEL", key(r)));
            case 4 -> {
                c.addAll(List.of("GETEX", key(r)));
                c.addAll(expire(r, true));
            }
            case 5 -> c.addAll(List.of("SETNX", key(r), value(r)));
            case 6 -> c.addAll(List.of(r.nextBoolean() ? "SETEX" : "PSETEX", key(r),
                    r.nextInt(5) == 0 ? "0" : "100000000", value(r)));
            case 7 -> {
                c.add(r.nextBoolean() ? "MSET" : "MSETNX");
                int pairs = 1 + r.nextInt(3);
                for (int i = 0; i < pairs; i++) {
                    c.add(key(r));
                    c.add(value(r));
                }
            }
            case 8 -> {
                c.add("MGET");
                int n = 1 + r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    c.add(key(r));
                }
            }
            case 9 -> c.addAll(List.of("APPEND", key(r), value(r)));
            case 10 -> c.addAll(List.of("STRLEN", key(r)));
            case 11 -> c.addAll(List.of(r.nextInt(4) == 0 ? "SUBSTR" : "GETRANGE", key(r), index(r), index(r)));
            case 12 -> c.addAll(List.of("SETRANGE", key(r), r.nextInt(15) == 0 ? "-1" : Integer.toString(r.nextInt(48)), value(r)));
            case 13, 14 -> {
                switch (r.nextInt(4)) {
                    case 0 -> c.addAll(List.of("INCR", key(r)));
                    case 1 -> c.addAll(List.of("DECR", key(r)));
                    case 2 -> c.addAll(List.of("INCRBY", key(r), r.nextBoolean() ? pick(r, INTEGERS) : Integer.toString(r.nextInt(201) - 100)));
                    default -> c.addAll(List.of("DECRBY", key(r), r.nextBoolean() ? pick(r, INTEGERS) : Integer.toString(r.nextInt(201) - 100)));
                }
            }
            case 15 -> c.addAll(List.of("INCRBYFLOAT", key(r), r.nextBoolean() ? pick(r, FLOATS) : (r.nextInt(2001) - 1000) / 8.0 + ""));
            case 16, 17 -> c.addAll(List.of("SETBIT", key(r), Integer.toString(r.nextInt(r.nextBoolean() ? 24 : 300)),
                    r.nextInt(20) == 0 ? "2" : Integer.toString(r.nextInt(2))));
            case 18 -> c.addAll(List.of("GETBIT", key(r), Integer.toString(r.nextInt(300))));
            case 19 -> {
                c.addAll(List.of("BITCOUNT", key(r)));
                if (r.nextInt(4) != 0) {
                    c.add(index(r));
                    c.add(index(r));
                    if (r.nextBoolean()) {
                        c.add(r.nextBoolean() ? "BIT" : "BYTE");
                    }
                }
            }
            case 20 -> {
                c.addAll(List.of("BITPOS", key(r), Integer.toString(r.nextInt(2))));
                int extra = r.nextInt(4);
                if (extra >= 1) {
                    c.add(index(r));
                }
                if (extra >= 2) {
                    c.add(index(r));
                }
                if (extra >= 3) {
                    c.add(r.nextBoolean() ? "BIT" : "BYTE");
                }
            }
            case 21, 22 -> {
                String op = new String[] {"AND", "OR", "XOR", "NOT"}[r.nextInt(4)];
                c.addAll(List.of("BITOP", op, key(r), key(r)));
                if (!op.equals("NOT")) {
                    int more = r.nextInt(3);
                    for (int i = 0; i < more; i++) {
                        c.add(key(r));
                    }
                }
            }
            case 23, 24 -> {
                boolean ro = r.nextInt(5) == 0;
                c.addAll(List.of(ro ? "BITFIELD_RO" : "BITFIELD", key(r)));
                int ops = 1 + r.nextInt(3);
                for (int i = 0; i < ops; i++) {
                    if (r.nextInt(4) == 0) {
                        c.addAll(List.of("OVERFLOW", new String[] {"WRAP", "SAT", "FAIL"}[r.nextInt(3)]));
                    }
                    switch (ro ? 0 : r.nextInt(3)) {
                        case 0 -> c.addAll(List.of("GET", bitfieldType(r), bitfieldOffset(r)));
                        case 1 -> c.addAll(List.of("SET", bitfieldType(r), bitfieldOffset(r), pick(r, INTEGERS)));
                        default -> c.addAll(List.of("INCRBY", bitfieldType(r), bitfieldOffset(r),
                                r.nextBoolean() ? pick(r, INTEGERS) : Integer.toString(r.nextInt(41) - 20)));
                    }
                }
            }
            case 25 -> {
                c.addAll(List.of("LCS", key(r), key(r)));
                switch (r.nextInt(4)) {
                    case 0 -> c.add("LEN");
                    case 1 -> c.addAll(List.of("IDX", "WITHMATCHLEN"));
                    case 2 -> c.addAll(List.of("IDX", "MINMATCHLEN", Integer.toString(r.nextInt(4))));
                    default -> {
                    }
                }
            }
            case 26 -> c.addAll(List.of("EXISTS", key(r), key(r)));
            case 27 -> c.addAll(List.of("DEL", key(r)));
            default -> c.addAll(List.of("GET", key(r)));
        }
        return Step.exact(c.toArray(new String[0]));
    }
}
