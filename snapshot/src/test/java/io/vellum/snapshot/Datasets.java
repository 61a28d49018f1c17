package io.vellum.snapshot;

import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/** A dataset with every type and encoding, and a dump of what a client reads back from it. */
public final class Datasets {
    private Datasets() {
    }

    /** Fills databases 0, 1 and 3 with every type, TTLs, deletions (holes in sequence numbers). */
    public static void populate(Function<String[], Reply> c, long seed) {
        populate(c, seed, true);
    }

    /** As {@link #populate(Function, long)}; the golden v1 file was written without streams. */
    public static void populate(Function<String[], Reply> c, long seed, boolean withStreams) {
        Random r = new Random(seed);
        c.apply(new String[] {"SELECT", "0"});
        for (int i = 0; i < 40; i++) {
            c.apply(new String[] {"SET", "s" + i, "v" + r.nextInt(1000)});
        }
        c.apply(new String[] {"SET", "counter", "10"});
        c.apply(new String[] {"APPEND", "s1", "-appended"});
        c.apply(new String[] {"SET", "big", "x".repeat(5000)});
        c.apply(new String[] {"PEXPIREAT", "s2", "4102444800000"});
        c.apply(new String[] {"EXPIRE", "s3", "100000"});
        for (int i = 0; i < 10; i++) {
            c.apply(new String[] {"DEL", "s" + (10 + i * 2)});
        }
        c.apply(new String[] {"RPUSH", "list-small", "a", "b", "c", "1", "2"});
        for (int i = 0; i < 300; i++) {
            c.apply(new String[] {i % 2 == 0 ? "RPUSH" : "LPUSH", "list-big", "e" + i + "-" + "y".repeat(r.nextInt(40))});
        }
        c.apply(new String[] {"LPOP", "list-big", "7"});
        c.apply(new String[] {"HSET", "hash-small", "f1", "1", "f2", "2", "f3", "3"});
        c.apply(new String[] {"HDEL", "hash-small", "f2"});
        c.apply(new String[] {"HSET", "hash-small", "f2", "again"});
        for (int i = 0; i < 700; i++) {
            c.apply(new String[] {"HSET", "hash-big", "field" + r.nextInt(2000), "v" + i});
        }
        for (int i = 0; i < 100; i++) {
            c.apply(new String[] {"HDEL", "hash-big", "field" + r.nextInt(2000)});
        }
        c.apply(new String[] {"SADD", "set-int", "5", "3", "100", "-7"});
        c.apply(new String[] {"SADD", "set-small", "z", "a", "m"});
        for (int i = 0; i < 300; i++) {
            c.apply(new String[] {"SADD", "set-big", "m" + r.nextInt(1000)});
        }
        c.apply(new String[] {"SREM", "set-big", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9"});
        c.apply(new String[] {"ZADD", "zset-small", "1", "a", "1", "b", "0.5", "c", "-inf", "d"});
        for (int i = 0; i < 300; i++) {
            c.apply(new String[] {"ZADD", "zset-big", Integer.toString(r.nextInt(50)), "m" + r.nextInt(1000)});
        }
        c.apply(new String[] {"ZREM", "zset-big", "m10", "m20", "m30"});
        c.apply(new String[] {"EXPIRE", "hash-big", "100000"});
        if (withStreams) {
            for (int i = 1; i <= 30; i++) {
                c.apply(new String[] {"XADD", "stream", i + "-" + (i % 3), "f", "v" + i, "g", Integer.toString(r.nextInt(100))});
            }
            c.apply(new String[] {"XDEL", "stream", "5-2"});
            c.apply(new String[] {"XGROUP", "CREATE", "stream", "grp", "0"});
            c.apply(new String[] {"XREADGROUP", "GROUP", "grp", "alice", "COUNT", "4", "STREAMS", "stream", ">"});
            c.apply(new String[] {"XACK", "stream", "grp", "2-2"});
        }
        c.apply(new String[] {"SELECT", "1"});
        for (int i = 0; i < 20; i++) {
            c.apply(new String[] {"HSET", "h" + i, "k", "v" + i});
        }
        c.apply(new String[] {"SELECT", "3"});
        c.apply(new String[] {"SET", "only", "in-db-3"});
        c.apply(new String[] {"SELECT", "0"});
    }

    /** Random writes of every type over a small key space (used while a snapshot runs). */
    public static String[] randomWrite(Random r) {
        String k = "s" + r.nextInt(60);
        return switch (r.nextInt(10)) {
            case 0 -> new String[] {"SET", k, "w" + r.nextInt()};
            case 1 -> new String[] {"DEL", k, "list-big", "s" + r.nextInt(60)};
            case 2 -> new String[] {"HSET", "hash-big", "field" + r.nextInt(3000), "n" + r.nextInt()};
            case 3 -> new String[] {"SADD", "set-big", "m" + r.nextInt(3000)};
            case 4 -> new String[] {"ZADD", "zset-big", Integer.toString(r.nextInt(100)), "m" + r.nextInt(3000)};
            case 5 -> new String[] {"RPUSH", "list-big", "n" + r.nextInt()};
            case 6 -> new String[] {"EXPIRE", k, Integer.toString(1000 + r.nextInt(1000))};
            case 7 -> new String[] {"RENAME", "hash-small", "hash-small-" + r.nextInt(3)};
            case 8 -> new String[] {"INCR", "counter"};
            default -> new String[] {"PERSIST", k};
        };
    }

    /**
     * What clients read: DEBUG DIGEST, then per database KEYS *, a SCAN walk with a small count,
     * and for every key its type, encoding, PTTL and contents in the type's own order (with its
     * SCAN walk for collections).
     */
    public static List<String> dump(Function<String[], Reply> c, int databases) {
        List<String> out = new ArrayList<>();
        out.add("digest " + text(c.apply(new String[] {"DEBUG", "DIGEST"})));
        for (int db = 0; db < databases; db++) {
            c.apply(new String[] {"SELECT", Integer.toString(db)});
            out.add("db " + db + " keys " + text(c.apply(new String[] {"KEYS", "*"})));
            String cursor = "0";
            do {
                Reply r = c.apply(new String[] {"SCAN", cursor, "COUNT", "3"});
                out.add("scan " + cursor + " " + text(r));
                cursor = text(((Reply.Array) r).items().get(0));
            } while (!cursor.equals("0"));
            Reply keys = c.apply(new String[] {"KEYS", "*"});
            for (Reply kr : ((Reply.Array) keys).items()) {
                String k = text(kr);
                String type = text(c.apply(new String[] {"TYPE", k}));
                out.add(k + " " + type + " " + text(c.apply(new String[] {"OBJECT", "ENCODING", k}))
                        + " pexpiretime " + text(c.apply(new String[] {"PEXPIRETIME", k})));
                switch (type) {
                    case "string" -> out.add(text(c.apply(new String[] {"GET", k})));
                    case "list" -> out.add(text(c.apply(new String[] {"LRANGE", k, "0", "-1"})));
                    case "hash" -> {
                        out.add(text(c.apply(new String[] {"HGETALL", k})));
                        scan(c, out, "HSCAN", k);
                    }
                    case "set" -> {
                        out.add(text(c.apply(new String[] {"SMEMBERS", k})));
                        scan(c, out, "SSCAN", k);
                    }
                    case "zset" -> {
                        out.add(text(c.apply(new String[] {"ZRANGE", k, "0", "-1", "WITHSCORES"})));
                        scan(c, out, "ZSCAN", k);
                    }
                    case "stream" -> {
                        out.add(text(c.apply(new String[] {"XRANGE", k, "-", "+"})));
                        out.add(text(c.apply(new String[] {"XINFO", "GROUPS", k})));
                        out.add(text(c.apply(new String[] {"XPENDING", k, "grp"}))); // the summary: idle times follow the wall clock
                    }
                    default -> out.add("?");
                }
            }
        }
        c.apply(new String[] {"SELECT", "0"});
        return out;
    }

    /** Fails naming the first line where two dumps differ (dumps are too long to print whole). */
    public static void assertSameDump(List<String> expected, List<String> actual, String what) {
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            if (!expected.get(i).equals(actual.get(i))) {
                throw new AssertionError(what + ": line " + i + " differs:\n expected " + cut(expected.get(i))
                        + "\n actual   " + cut(actual.get(i)));
            }
        }
        if (expected.size() != actual.size()) {
            throw new AssertionError(what + ": " + expected.size() + " lines expected, " + actual.size() + " found");
        }
    }

    private static String cut(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }

    private static void scan(Function<String[], Reply> c, List<String> out, String cmd, String key) {
        String cursor = "0";
        do {
            Reply r = c.apply(new String[] {cmd, key, cursor, "COUNT", "5"});
            out.add(cmd + " " + cursor + " " + text(r));
            cursor = text(((Reply.Array) r).items().get(0));
        } while (!cursor.equals("0"));
    }

    public static String text(Reply r) {
        if (r instanceof Reply.Bulk b) {
            return new String(b.value(), StandardCharsets.ISO_8859_1);
        }
        if (r instanceof Reply.Array a) {
            StringBuilder sb = new StringBuilder("[");
            for (Reply x : a.items()) {
                sb.append(text(x)).append(',');
            }
            return sb.append(']').toString();
        }
        if (r instanceof Reply.Simple s) {
            return s.text();
        }
        if (r instanceof Reply.Int i) {
            return Long.toString(i.value());
        }
        if (r instanceof Reply.Verbatim v) {
            return new String(v.value(), StandardCharsets.ISO_8859_1);
        }
        return String.valueOf(r);
    }
}
