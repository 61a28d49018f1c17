package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static io.vellum.core.TestStore.simple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** DEL, UNLINK, EXISTS, TYPE, TOUCH, RENAME(NX), COPY, MOVE, SWAPDB, KEYS, SCAN, RANDOMKEY, OBJECT. */
class KeyCommandsTest {
    private static final String SAME = "ERR source and destination objects are the same";

    @Test
    void delUnlinkAndExistsCountKeys() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            c.call("SET", "c", "3");
            assertEquals(integer(3), c.call("EXISTS", "a", "b", "a", "nope"));
            assertEquals(integer(1), c.call("DEL", "a", "nope"));
            assertEquals(integer(2), c.call("UNLINK", "b", "c", "b"));
            assertEquals(integer(0), c.call("EXISTS", "a", "b", "c"));
            assertEquals(error("ERR wrong number of arguments for 'unlink' command"), c.call("UNLINK"));
        }
    }

    @Test
    void typeNamesTheValueType() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "s", "x");
            assertEquals(simple("string"), c.call("TYPE", "s"));
            assertEquals(simple("none"), c.call("TYPE", "nope"));
        }
    }

    @Test
    void renameMovesValueAndTtlAndReplacesTheTarget() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1", "PX", "5000");
            c.call("SET", "b", "2");
            c.call("SET", "z", "3");
            assertEquals(OK, c.call("RENAME", "a", "b"));
            assertEquals(bulk("1"), c.call("GET", "b"));
            assertEquals(integer(0), c.call("EXISTS", "a"));
            assertEquals(integer(5000), c.call("PTTL", "b"));
            // the target is a new key: it goes last in iteration order
            assertEquals(array(bulk("z"), bulk("b")), c.call("KEYS", "*"));
            assertEquals(error("ERR no such key"), c.call("RENAME", "a", "x"));
            assertEquals(error("ERR no such key"), c.call("RENAME", "a", "a"));
            assertEquals(OK, c.call("RENAME", "b", "b"));
            assertEquals(integer(5000), c.call("PTTL", "b"));
            // a target without TTL gets none from a source without TTL
            c.call("SET", "p", "v");
            c.call("SET", "q", "w", "EX", "100");
            assertEquals(OK, c.call("RENAME", "p", "q"));
            assertEquals(integer(-1), c.call("TTL", "q"));
        }
    }

    @Test
    void renamenxOnlyRenamesToAMissingKey() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            c.call("SET", "b", "2");
            assertEquals(integer(0), c.call("RENAMENX", "a", "b"));
            assertEquals(integer(0), c.call("RENAMENX", "a", "a"));
            assertEquals(integer(1), c.call("RENAMENX", "a", "c"));
            assertEquals(bulk("1"), c.call("GET", "c"));
            assertEquals(error("ERR no such key"), c.call("RENAMENX", "a", "d"));
        }
    }

    @Test
    void renameOntoALogicallyExpiredTargetWorksAsOntoAMissingOne() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            c.call("SET", "b", "2", "PX", "10");
            st.advanceMillis(11);
            assertEquals(integer(1), c.call("RENAMENX", "a", "b"));
            assertEquals(integer(-1), c.call("TTL", "b"));
        }
    }

    @Test
    void copyDuplicatesWithinAndAcrossDatabases() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "hello", "PX", "9000");
            assertEquals(integer(1), c.call("COPY", "a", "b"));
            assertEquals(bulk("hello"), c.call("GET", "b"));
            assertEquals(integer(9000), c.call("PTTL", "b"));
            assertEquals(integer(0), c.call("COPY", "a", "b"));
            c.call("SET", "a", "other");
            assertEquals(integer(1), c.call("COPY", "a", "b", "REPLACE"));
            assertEquals(bulk("other"), c.call("GET", "b"));
            assertEquals(integer(-1), c.call("TTL", "b"));
            assertEquals(integer(1), c.call("COPY", "a", "a", "DB", "3"));
            assertEquals(error(SAME), c.call("COPY", "a", "a"));
            assertEquals(error(SAME), c.call("COPY", "a", "a", "DB", "0"));
            assertEquals(integer(0), c.call("COPY", "nope", "x"));
            assertEquals(error("ERR DB index is out of range"), c.call("COPY", "a", "x", "DB", "16"));
            assertEquals(error("ERR DB index is out of range"), c.call("COPY", "a", "x", "DB", "-1"));
            assertEquals(error("ERR value is not an integer or out of range"), c.call("COPY", "a", "x", "DB", "x"));
            assertEquals(error("ERR value is out of range, value must between -2147483648 and 2147483647"),
                    c.call("COPY", "a", "x", "DB", "4294967296"));
            assertEquals(error("ERR syntax error"), c.call("COPY", "a", "x", "DB"));
            assertEquals(error("ERR syntax error"), c.call("COPY", "a", "x", "REPLACE", "bogus"));
            c.call("SELECT", "3");
            assertEquals(bulk("other"), c.call("GET", "a"));
        }
    }

    @Test
    void copyIsIndependentOfItsSource() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "x");
            c.call("COPY", "a", "b");
            c.call("SET", "a", "y");
            c.call("DEL", "a");
            assertEquals(bulk("x"), c.call("GET", "b"));
        }
    }

    @Test
    void moveTransfersKeyAndTtlToAnotherDatabase() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "k", "v", "PX", "7000");
            assertEquals(error(SAME), c.call("MOVE", "k", "0"));
            assertEquals(error("ERR DB index is out of range"), c.call("MOVE", "k", "16"));
            assertEquals(error("ERR value is not an integer or out of range"), c.call("MOVE", "k", "1.5"));
            assertEquals(integer(1), c.call("MOVE", "k", "2"));
            assertEquals(integer(0), c.call("EXISTS", "k"));
            assertEquals(integer(0), c.call("MOVE", "k", "2"));
            c.call("SELECT", "2");
            assertEquals(bulk("v"), c.call("GET", "k"));
            assertEquals(integer(7000), c.call("PTTL", "k"));
            c.call("SELECT", "0");
            c.call("SET", "k", "w");
            assertEquals(integer(0), c.call("MOVE", "k", "2"));
            assertEquals(bulk("w"), c.call("GET", "k"));
        }
    }

    @Test
    void swapdbExchangesDatabasesForEveryClient() {
        try (TestStore st = new TestStore()) {
            TestStore.Client a = st.client();
            TestStore.Client b = st.client();
            a.call("SET", "x", "in0");
            b.call("SELECT", "1");
            b.call("SET", "y", "in1", "EX", "100");
            int before = st.records.size();
            assertEquals(OK, a.call("SWAPDB", "0", "1"));
            assertEquals(before + 1, st.records.size(), "SWAPDB is logged");
            assertEquals(bulk("in1"), a.call("GET", "y"));
            assertEquals(integer(100), a.call("TTL", "y"));
            assertEquals(bulk("in0"), b.call("GET", "x"));
            assertEquals(OK, a.call("SWAPDB", "3", "3"));
            assertEquals(before + 2, st.records.size(), "SWAPDB of a db with itself is logged, as Redis's dirty++");
            assertEquals(error("ERR invalid first DB index"), a.call("SWAPDB", "x", "1"));
            assertEquals(error("ERR invalid second DB index"), a.call("SWAPDB", "0", "x"));
            assertEquals(error("ERR invalid first DB index"), a.call("SWAPDB", "4294967296", "1"));
            assertEquals(error("ERR DB index is out of range"), a.call("SWAPDB", "0", "16"));
            assertEquals(error("ERR DB index is out of range"), a.call("SWAPDB", "-1", "0"));
        }
    }

    @Test
    void keysMatchesGlobsInInsertionOrderAndSkipsExpiredKeys() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (String k : new String[] {"hello", "hallo", "hxllo", "world", "h*"}) {
                c.call("SET", k, "v");
            }
            assertEquals(array(bulk("hello"), bulk("hallo"), bulk("hxllo"), bulk("world"), bulk("h*")), c.call("KEYS", "*"));
            assertEquals(array(bulk("hello"), bulk("hallo")), c.call("KEYS", "h[ae]llo"));
            assertEquals(array(bulk("h*")), c.call("KEYS", "h\\*"));
            assertEquals(array(), c.call("KEYS", "nothing"));
            c.call("PEXPIRE", "hallo", "5");
            st.advanceMillis(6);
            assertEquals(array(bulk("hello"), bulk("hxllo")), c.call("KEYS", "h?llo"));
        }
    }

    @Test
    void scanVisitsEveryKeyOnceAcrossCallsAndFilters() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (int i = 0; i < 100; i++) {
                c.call("SET", "key:" + i, Integer.toString(i));
            }
            Set<String> seen = new HashSet<>();
            String cursor = "0";
            int calls = 0;
            do {
                Reply.Array r = (Reply.Array) c.call("SCAN", cursor, "COUNT", "7");
                cursor = ((Reply.Bulk) r.items().get(0)).utf8();
                for (Reply k : ((Reply.Array) r.items().get(1)).items()) {
                    assertTrue(seen.add(((Reply.Bulk) k).utf8()), "returned twice: " + k);
                }
                // churn during the scan: keys deleted and added must not disturb the others
                c.call("SET", "new:" + calls, "x");
                calls++;
            } while (!cursor.equals("0"));
            for (int i = 0; i < 100; i++) {
                assertTrue(seen.contains("key:" + i));
            }
            assertTrue(calls >= 100 / 7);

            Reply.Array one = (Reply.Array) c.call("SCAN", "0", "MATCH", "key:1?", "COUNT", "1000");
            assertEquals(10, ((Reply.Array) one.items().get(1)).items().size());
            assertEquals(bulk("0"), one.items().get(0));
            Reply.Array typed = (Reply.Array) c.call("SCAN", "0", "COUNT", "1000", "TYPE", "STRING");
            assertEquals(100 + calls, ((Reply.Array) typed.items().get(1)).items().size());
            assertEquals(array(bulk("0"), array()), c.call("SCAN", "0", "COUNT", "1000", "TYPE", "list"));
            assertEquals(array(bulk("0"), array()), c.call("SCAN", "0", "COUNT", "1000", "TYPE", "nosuchtype"));
        }
    }

    @Test
    void scanSkipsExpiredKeysAndRejectsBadArguments() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            c.call("SET", "b", "2", "PX", "1");
            c.call("SET", "c", "3");
            st.advanceMillis(2);
            assertEquals(array(bulk("0"), array(bulk("a"), bulk("c"))), c.call("SCAN", "0"));
            assertEquals(error("ERR invalid cursor"), c.call("SCAN", "x"));
            assertEquals(error("ERR syntax error"), c.call("SCAN", "0", "COUNT", "0"));
            assertEquals(error("ERR syntax error"), c.call("SCAN", "0", "MATCH"));
            assertEquals(error("ERR value is not an integer or out of range"), c.call("SCAN", "0", "COUNT", "x"));
            // a cursor beyond every key ends the iteration
            assertEquals(array(bulk("0"), array()), c.call("SCAN", "18446744073709551615"));
            assertEquals(array(bulk("0"), array()), c.call("SCAN", "99999"));
        }
    }

    @Test
    void scanCursorIsAFunctionOfHistory() {
        // Two stores fed the same commands answer SCAN with the same bytes (DESIGN.md, rule 3).
        List<Reply> first = scanAfterChurn();
        assertEquals(first, scanAfterChurn());
    }

    private static List<Reply> scanAfterChurn() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (int i = 0; i < 50; i++) {
                c.call("SET", "k" + i, "v");
                if (i % 3 == 0) {
                    c.call("DEL", "k" + (i / 2));
                }
            }
            List<Reply> out = new ArrayList<>();
            String cursor = "0";
            do {
                Reply.Array r = (Reply.Array) c.call("SCAN", cursor, "COUNT", "4");
                out.add(r);
                cursor = ((Reply.Bulk) r.items().get(0)).utf8();
            } while (!cursor.equals("0"));
            return out;
        }
    }

    @Test
    void randomkeyPicksLiveKeysOnly() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            assertEquals(NULL, c.call("RANDOMKEY"));
            c.call("SET", "live", "v");
            for (int i = 0; i < 300; i++) {
                c.call("SET", "dead" + i, "v", "PX", "1");
            }
            st.advanceMillis(2);
            for (int i = 0; i < 20; i++) {
                assertEquals(bulk("live"), c.call("RANDOMKEY"));
            }
            c.call("DEL", "live");
            assertEquals(NULL, c.call("RANDOMKEY"), "every key is expired: none to pick");
            assertEquals(0, st.records.stream().filter(r -> r.describe().startsWith("RANDOMKEY")).count());
        }
    }

    @Test
    void randomkeyUsesTheUnitsRandomness() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            for (int i = 0; i < 50; i++) {
                c.call("SET", "k" + i, "v");
            }
            Set<Reply> picks = new HashSet<>();
            for (int i = 0; i < 50; i++) {
                picks.add(c.call("RANDOMKEY"));
            }
            assertTrue(picks.size() > 10, "picks vary: " + picks.size());
        }
    }

    @Test
    void touchCountsExistingKeysAndResetsIdleTime() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            st.advanceMillis(10_000);
            assertEquals(integer(10), c.call("OBJECT", "IDLETIME", "a"));
            assertEquals(integer(10), c.call("OBJECT", "IDLETIME", "a"), "OBJECT does not touch");
            assertEquals(simple("string"), c.call("TYPE", "a"));
            assertEquals(integer(1), c.call("EXISTS", "a"));
            assertEquals(integer(10), c.call("OBJECT", "IDLETIME", "a"), "TYPE and EXISTS do not touch");
            assertEquals(integer(1), c.call("TOUCH", "a", "nope"));
            assertEquals(integer(0), c.call("OBJECT", "IDLETIME", "a"));
            st.advanceMillis(3_000);
            c.call("GET", "a");
            assertEquals(integer(0), c.call("OBJECT", "IDLETIME", "a"), "GET touches");
        }
    }

    @Test
    void objectReportsEncodingRefcountAndErrors() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "i", "123");
            c.call("SET", "big", "12345");
            c.call("SET", "e", "hello");
            c.call("SET", "r", "x".repeat(45));
            assertEquals(bulk("int"), c.call("OBJECT", "ENCODING", "i"));
            assertEquals(bulk("embstr"), c.call("OBJECT", "encoding", "e"));
            assertEquals(bulk("raw"), c.call("OBJECT", "ENCODING", "r"));
            assertEquals(NULL, c.call("OBJECT", "ENCODING", "nope"));
            assertEquals(integer(Integer.MAX_VALUE), c.call("OBJECT", "REFCOUNT", "i"));
            assertEquals(integer(1), c.call("OBJECT", "REFCOUNT", "big"));
            assertEquals(integer(1), c.call("OBJECT", "REFCOUNT", "e"));
            assertEquals(NULL, c.call("OBJECT", "REFCOUNT", "nope"));
            assertEquals(NULL, c.call("OBJECT", "FREQ", "nope"));
            Reply freq = c.call("OBJECT", "FREQ", "e");
            assertEquals(error("ERR An LFU maxmemory policy is not selected, access frequency not tracked. "
                    + "Please note that when switching between policies at runtime LRU and LFU data will take "
                    + "some time to adjust."), freq);
            assertEquals(error("ERR unknown subcommand 'bogus'. Try OBJECT HELP."), c.call("OBJECT", "bogus", "e"));
            assertEquals(error("ERR wrong number of arguments for 'object|encoding' command"),
                    c.call("OBJECT", "ENCODING", "e", "x"));
            Reply.Array help = assertInstanceOf(Reply.Array.class, c.call("object", "help"));
            assertEquals(15, help.items().size());
            assertEquals(simple("OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:"), help.items().get(0));
            assertEquals(simple("    Prints this help."), help.items().get(14));
        }
    }

    @Test
    void readsOfKeyCommandsAreNotLogged() {
        try (TestStore st = new TestStore()) {
            TestStore.Client c = st.client();
            c.call("SET", "a", "1");
            int n = st.records.size();
            for (String[] cmd : new String[][] {{"EXISTS", "a"}, {"TYPE", "a"}, {"TOUCH", "a"}, {"KEYS", "*"},
                    {"SCAN", "0"}, {"RANDOMKEY"}, {"TTL", "a"}, {"OBJECT", "ENCODING", "a"}, {"DUMP", "a"},
                    {"DEL", "nope"}, {"RENAMENX", "a", "a"}, {"COPY", "nope", "x"}, {"MOVE", "nope", "1"},
                    {"PERSIST", "a"}, {"EXPIRE", "nope", "10"}}) {
                c.call(cmd);
            }
            assertEquals(n, st.records.size());
            c.call("RENAME", "a", "b");
            assertNotEquals(n, st.records.size());
        }
    }
}
