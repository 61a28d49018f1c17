package io.vellum.core.commands;

import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.UnitRecord;
import io.vellum.core.types.Value;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Set commands on a synchronous engine: the orders Redis 7.2's algorithms produce (which the
 * 7.0 oracle cannot show), random picks, encodings, SSCAN cursors and replay.
 */
class SetCommandsTest {

    static List<String> strings(Reply r) {
        List<Reply> items;
        if (r instanceof Reply.Array a) {
            items = a.items();
        } else if (r instanceof Reply.Set s) {
            items = s.items();
        } else {
            throw new AssertionError("not an aggregate: " + r);
        }
        List<String> out = new ArrayList<>();
        for (Reply i : items) {
            out.add(((Reply.Bulk) i).utf8());
        }
        return out;
    }

    static String encoding(TestStore st, String key) {
        Value v = st.engine.keyspace().db(0).peek(key.getBytes(StandardCharsets.UTF_8));
        return v == null ? null : v.encoding();
    }

    static String[] cmd(String name, String key, int from, int to, String prefix) {
        List<String> c = new ArrayList<>(List.of(name, key));
        for (int i = from; i < to; i++) {
            c.add(prefix + i);
        }
        return c.toArray(new String[0]);
    }

    @Test
    void smallSetsIterateInTheirEncodingsOrder() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SADD", "s", "b", "a", "c");
            assertEquals(List.of("b", "a", "c"), strings(c.call("SMEMBERS", "s")));
            assertEquals("listpack", encoding(st, "s"));
            c.call("SADD", "n", "30", "-1", "2");
            assertEquals(List.of("-1", "2", "30"), strings(c.call("SMEMBERS", "n")));
            assertEquals("intset", encoding(st, "n"));
            c.call("SADD", "n", "x");
            assertEquals(List.of("-1", "2", "30", "x"), strings(c.call("SMEMBERS", "n")));
            assertEquals("listpack", encoding(st, "n"));
            c.call(cmd("SADD", "big", 0, 129, "m"));
            assertEquals("hashtable", encoding(st, "big"));
        }
    }

    @Test
    void unionAndDiffBuildTheirResultFromAnIntset() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SADD", "a", "x", "3");
            c.call("SADD", "b", "2", "1");
            // b's integers go into an intset first, then x turns it into a listpack
            assertEquals(List.of("1", "2", "x", "3"), strings(c.call("SUNION", "b", "a")));
            c.call("SADD", "p", "x", "5", "1");
            c.call("SREM", "p", "x");
            assertEquals(List.of("5", "1"), strings(c.call("SMEMBERS", "p")));
            assertEquals(List.of("1", "5"), strings(c.call("SDIFF", "p", "nokey")));
            // popping everything answers with that union, and deletes the key
            assertEquals(List.of("1", "5"), strings(c.call("SPOP", "p", "10")));
            assertEquals(integer(0), c.call("EXISTS", "p"));
        }
    }

    @Test
    void storeFormsPickTheirResultsEncoding() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call(cmd("SADD", "h1", 0, 200, ""));
            c.call("SADD", "h1", "x");
            c.call(cmd("SADD", "h2", 100, 300, ""));
            assertEquals("hashtable", encoding(st, "h1"));
            assertEquals(integer(100), c.call("SINTERSTORE", "d", "h1", "h2"));
            // only integers came out: back to an intset
            assertEquals("intset", encoding(st, "d"));
            c.call("SADD", "l", "z", "y");
            assertEquals(integer(2), c.call("SINTERSTORE", "d", "l", "l"));
            assertEquals("listpack", encoding(st, "d"));
            assertEquals(List.of("z", "y"), strings(c.call("SMEMBERS", "d")));
            // SDIFF's second algorithm (chosen when the sets to subtract are small) copies the
            // first set whole and removes: the result stays a hashtable; the first algorithm
            // adds the survivors one by one
            c.call(cmd("SADD", "hx", 0, 129, "m"));
            c.call(cmd("SADD", "s1", 0, 30, "m"));
            c.call(cmd("SADD", "s2", 30, 60, "m"));
            assertEquals(integer(69), c.call("SDIFFSTORE", "d", "hx", "s1", "s2"));
            assertEquals("hashtable", encoding(st, "d"));
            assertEquals(integer(99), c.call("SDIFFSTORE", "d", "hx", "s1"));
            assertEquals("listpack", encoding(st, "d"));
        }
    }

    @Test
    void spopAndSrandmemberPickDistinctMembersWhereRedisDoes() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (String key : new String[] {"small", "ints", "big"}) {
                switch (key) {
                    case "small" -> c.call(cmd("SADD", key, 0, 20, "m"));
                    case "ints" -> c.call(cmd("SADD", key, 0, 300, ""));
                    default -> c.call(cmd("SADD", key, 0, 400, "m"));
                }
                Set<String> all = new HashSet<>(strings(c.call("SMEMBERS", key)));
                for (int count : new int[] {1, 3, 10, 19, 150, 299, 1000}) {
                    List<String> picked = strings(c.call("SRANDMEMBER", key, Integer.toString(count)));
                    assertEquals(Math.min(count, all.size()), picked.size());
                    assertEquals(picked.size(), new HashSet<>(picked).size(), key + " " + count + " distinct");
                    assertTrue(all.containsAll(picked));
                }
                List<String> repeated = strings(c.call("SRANDMEMBER", key, "-2000"));
                assertEquals(2000, repeated.size());
                assertTrue(all.containsAll(repeated));
                Set<String> popped = new HashSet<>(strings(c.call("SPOP", key, "5")));
                popped.addAll(strings(c.call("SPOP", key, Integer.toString(all.size() - 8))));
                popped.add(((Reply.Bulk) c.call("SPOP", key)).utf8());
                Set<String> left = new HashSet<>(strings(c.call("SMEMBERS", key)));
                assertEquals(2, left.size());
                assertEquals(all.size() - 2, popped.size());
                left.addAll(popped);
                assertEquals(all, left);
            }
        }
    }

    @Test
    void spopOfAlmostEverythingRebuildsTheSetSmall() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call(cmd("SADD", "s", 0, 200, "m"));
            assertEquals("hashtable", encoding(st, "s"));
            assertEquals(190, strings(c.call("SPOP", "s", "190")).size());
            // Redis moves the 10 that stay into a new set, created small
            assertEquals("listpack", encoding(st, "s"));
            assertEquals(integer(10), c.call("SCARD", "s"));
            c.call(cmd("SADD", "i", 0, 300, ""));
            c.call("SPOP", "i", "290");
            assertEquals("intset", encoding(st, "i"));
        }
    }

    @Test
    void sscanWalksAHashtableWithCursorsAndReturnsSmallSetsAtOnce() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SADD", "small", "a", "b", "c");
            Reply r = c.call("SSCAN", "small", "12345", "COUNT", "1");
            List<Reply> parts = ((Reply.Array) r).items();
            assertEquals(bulk("0"), parts.get(0));
            assertEquals(List.of("a", "b", "c"), strings(parts.get(1)));
            c.call(cmd("SADD", "big", 0, 300, "m"));
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            int calls = 0;
            do {
                List<Reply> p = ((Reply.Array) c.call("SSCAN", "big", cursor, "COUNT", "7")).items();
                cursor = ((Reply.Bulk) p.get(0)).utf8();
                List<String> batch = strings(p.get(1));
                assertTrue(batch.size() <= 7);
                seen.addAll(batch);
                if (calls++ == 3) {
                    // members added and removed during the scan
                    c.call("SREM", "big", "m299");
                    c.call("SADD", "big", "late");
                }
            } while (!cursor.equals("0"));
            for (int i = 0; i < 299; i++) {
                assertTrue(seen.contains("m" + i), "m" + i);
            }
        }
    }

    @Test
    void anEncodingChangeAloneIsLogged() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SADD", "s", "a");
            int before = st.records.size();
            String[] dup = new String[131];
            dup[0] = "SADD";
            dup[1] = "s";
            java.util.Arrays.fill(dup, 2, dup.length, "a");
            assertEquals(integer(0), c.call(dup));
            assertEquals("hashtable", encoding(st, "s"));
            assertEquals(before + 1, st.records.size());
        }
    }

    @Test
    void randomPicksReplayIdentically() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call(cmd("SADD", "s", 0, 300, "m"));
            c.call("SPOP", "s", "3");
            c.call("SPOP", "s");
            c.call("SPOP", "s", "250");
            c.call("SMOVE", "s", "t", ((Reply.Bulk) c.call("SRANDMEMBER", "s")).utf8());
            List<String> members = strings(c.call("SMEMBERS", "s"));
            try (TestStore replica = new TestStore()) {
                for (UnitRecord r : st.records) {
                    replica.engine.applyRecord(r, false);
                }
                assertEquals(members, strings(replica.client().call("SMEMBERS", "s")));
                assertEquals(encoding(st, "s"), encoding(replica, "s"));
                assertEquals(strings(c.call("SMEMBERS", "t")), strings(replica.client().call("SMEMBERS", "t")));
            }
        }
    }

    @Test
    void hugeNegativeCountsAreRefusedNotBuilt() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SADD", "s", "a");
            assertEquals(TestStore.error("ERR value is out of range"), c.call("SRANDMEMBER", "s", "-9223372036854775807"));
            assertNull(encoding(st, "nokey"));
        }
    }
}
