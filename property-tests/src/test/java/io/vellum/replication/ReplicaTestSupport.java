package io.vellum.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vellum.Vellum;
import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Helpers of the replication tests: waiting for convergence and comparing stores. */
final class ReplicaTestSupport {
    private ReplicaTestSupport() {
    }

    static void await(String what, long timeoutMillis, BooleanSupplier cond) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static String text(Reply r) {
        if (r instanceof Reply.Bulk b) {
            return new String(b.value(), StandardCharsets.UTF_8);
        }
        if (r instanceof Reply.Verbatim v) {
            return new String(v.value(), StandardCharsets.UTF_8);
        }
        if (r instanceof Reply.Simple s) {
            return s.text();
        }
        if (r instanceof Reply.Error e) {
            return "-" + e.text();
        }
        if (r instanceof Reply.Int i) {
            return Long.toString(i.value());
        }
        return String.valueOf(r);
    }

    static String digest(Vellum s) {
        return text(s.execute("DEBUG", "DIGEST"));
    }

    /** The value of an INFO replication field. */
    static String info(Vellum s, String field) {
        for (String line : text(s.execute("INFO", "replication")).split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        return null;
    }

    /** Waits until {@code replica} applied everything {@code primary} logged. */
    static void awaitCaughtUp(Vellum primary, Vellum replica, long timeoutMillis) {
        long target = primary.replication().offset();
        await("replica to reach record " + target + " (at " + replica.replication().offset() + ", error "
                + replica.replication().lastError() + ")", timeoutMillis, () -> replica.replication().offset() >= target);
    }

    /** Every key of every database with its type, SCAN order and whole-value reads, compared between stores. */
    static void assertSameData(Vellum expected, Vellum actual) {
        assertEquals(digest(expected), digest(actual), "DEBUG DIGEST");
        for (int db = 0; db < 2; db++) {
            var e = expected.connect();
            var a = actual.connect();
            e.execute("SELECT", Integer.toString(db));
            a.execute("SELECT", Integer.toString(db));
            List<Reply> scanE = scanAll(e);
            List<Reply> scanA = scanAll(a);
            assertEquals(scanE, scanA, "SCAN order of db " + db);
            for (Reply k : scanE) {
                byte[] key = ((Reply.Bulk) k).value();
                String type = text(e.execute("TYPE".getBytes(), key));
                assertEquals(type, text(a.execute("TYPE".getBytes(), key)));
                String read = switch (type) {
                    case "set" -> "SMEMBERS";
                    case "hash" -> "HGETALL";
                    case "list" -> "LRANGE";
                    case "zset" -> "ZRANGE";
                    default -> "GET";
                };
                byte[][] argv = read.equals("LRANGE") || read.equals("ZRANGE")
                        ? new byte[][] {read.getBytes(), key, "0".getBytes(), "-1".getBytes()}
                        : new byte[][] {read.getBytes(), key};
                assertEquals(e.execute(argv), a.execute(argv), read + " " + new String(key, StandardCharsets.UTF_8));
            }
            e.close();
            a.close();
        }
    }

    private static List<Reply> scanAll(io.vellum.VellumConnection c) {
        List<Reply> out = new ArrayList<>();
        String cursor = "0";
        do {
            Reply.Array r = (Reply.Array) c.execute("SCAN", cursor, "COUNT", "50");
            cursor = text(r.items().get(0));
            out.addAll(((Reply.Array) r.items().get(1)).items());
        } while (!cursor.equals("0"));
        return out;
    }
}
