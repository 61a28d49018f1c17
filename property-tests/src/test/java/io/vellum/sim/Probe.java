package io.vellum.sim;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The read-only probe set of replay equivalence: DEBUG DIGEST, then per database SCAN to the
 * end (small COUNT, so cursors are exercised) and, for every key in SCAN's order, TYPE, its
 * value (GET, LRANGE 0 -1, HGETALL, SMEMBERS, ZRANGE 0 -1 WITHSCORES, XINFO STREAM FULL: entries,
 * groups, consumers, pending entries), TTL, PTTL and OBJECT
 * ENCODING. Two stores are equivalent when their probes are equal line by line: the same
 * bytes, in the same order.
 *
 * <p>It runs on a session of its own and changes nothing (reads never delete).
 */
final class Probe {
    private Probe() {
    }

    static List<String> of(TestStore store) {
        TestStore.Client c = store.client();
        try {
            List<String> out = new ArrayList<>();
            out.add("DEBUG DIGEST -> " + render(c.call("DEBUG", "DIGEST")));
            for (int db = 0; db < CommandGen.DBS; db++) {
                c.call("SELECT", Integer.toString(db));
                out.add("db " + db + " DBSIZE -> " + render(c.call("DBSIZE")));
                List<byte[]> keys = new ArrayList<>();
                String cursor = "0";
                int rounds = 0;
                do {
                    Reply r = c.call("SCAN", cursor, "COUNT", "3");
                    out.add("db " + db + " SCAN " + cursor + " -> " + render(r));
                    List<Reply> parts = ((Reply.Array) r).items();
                    cursor = new String(((Reply.Bulk) parts.get(0)).value(), StandardCharsets.ISO_8859_1);
                    for (Reply k : ((Reply.Array) parts.get(1)).items()) {
                        keys.add(((Reply.Bulk) k).value());
                    }
                } while (!cursor.equals("0") && ++rounds < 1000);
                for (byte[] key : keys) {
                    String k = Action.quote(new String(key, StandardCharsets.ISO_8859_1));
                    String type = ((Reply.Simple) c.call(b("TYPE"), key)).text();
                    Reply value = switch (type) {
                        case "string" -> c.call(b("GET"), key);
                        case "list" -> c.call(b("LRANGE"), key, b("0"), b("-1"));
                        case "hash" -> c.call(b("HGETALL"), key);
                        case "set" -> c.call(b("SMEMBERS"), key);
                        case "zset" -> c.call(b("ZRANGE"), key, b("0"), b("-1"), b("WITHSCORES"));
                        case "stream" -> c.call(b("XINFO"), b("STREAM"), key, b("FULL"));
                        default -> new Reply.Simple("(type " + type + ")");
                    };
                    out.add("db " + db + " " + k + " " + type + " -> " + render(value));
                    out.add("db " + db + " " + k + " TTL " + render(c.call(b("TTL"), key)) + " PTTL "
                            + render(c.call(b("PTTL"), key)) + " ENCODING " + render(c.call(b("OBJECT"), b("ENCODING"), key)));
                }
            }
            return out;
        } finally {
            store.engine.closeSession(c.session);
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A reply as readable text, byte strings quoted when they are not plain. */
    static String render(Reply r) {
        if (r == null) {
            return "(no reply)";
        }
        if (r instanceof Reply.Bulk b) {
            return Action.javaString(new String(b.value(), StandardCharsets.ISO_8859_1));
        } else if (r instanceof Reply.Array a) {
            return list(a.items());
        } else if (r instanceof Reply.Map m) {
            return "map" + list(m.items());
        } else if (r instanceof Reply.Set s) {
            return "set" + list(s.items());
        } else if (r instanceof Reply.Push p) {
            return "push" + list(p.items());
        }
        return r.toString();
    }

    private static String list(List<Reply> items) {
        List<String> out = new ArrayList<>();
        for (Reply i : items) {
            out.add(render(i));
        }
        return "[" + String.join(", ", out) + "]";
    }
}
