package io.vellum.core.commands;

import static io.vellum.core.TestStore.NULL;
import static io.vellum.core.TestStore.NULL_ARRAY;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The non-blocking list commands against the synchronous test engine. */
class ListCommandsTest {
    private static final Reply WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
    private static final Reply EMPTY = array();

    private TestStore st;
    private TestStore.Client c;

    @BeforeEach
    void open() {
        st = new TestStore();
        c = st.client();
    }

    @AfterEach
    void close() {
        st.close();
    }

    static Reply bulks(String... items) {
        List<Reply> out = new ArrayList<>();
        for (String s : items) {
            out.add(bulk(s));
        }
        return new Reply.Array(out);
    }

    @Test
    void pushesReturnTheNewLengthAndKeepOrder() {
        assertEquals(integer(3), c.call("RPUSH", "l", "a", "b", "c"));
        assertEquals(integer(5), c.call("LPUSH", "l", "y", "z"));
        assertEquals(bulks("z", "y", "a", "b", "c"), c.call("LRANGE", "l", "0", "-1"));
        assertEquals(integer(0), c.call("LPUSHX", "none", "a"));
        assertEquals(integer(0), c.call("RPUSHX", "none", "a"));
        assertEquals(integer(0), c.call("EXISTS", "none"));
        assertEquals(integer(6), c.call("RPUSHX", "l", "d"));
        assertEquals(integer(7), c.call("LPUSHX", "l", "x"));
        assertEquals(integer(7), c.call("LLEN", "l"));
        assertEquals(integer(0), c.call("LLEN", "none"));
    }

    @Test
    void popsDeleteTheKeyWithTheLastElement() {
        c.call("RPUSH", "l", "a", "b", "c");
        assertEquals(bulk("a"), c.call("LPOP", "l"));
        assertEquals(bulk("c"), c.call("RPOP", "l"));
        assertEquals(bulk("b"), c.call("RPOP", "l"));
        assertEquals(integer(0), c.call("EXISTS", "l"));
        assertEquals(NULL, c.call("LPOP", "l"));
        assertEquals(NULL_ARRAY, c.call("LPOP", "l", "2"));
    }

    @Test
    void popsWithCount() {
        c.call("RPUSH", "l", "a", "b", "c", "d", "e");
        assertEquals(bulks("a", "b"), c.call("LPOP", "l", "2"));
        assertEquals(bulks("e", "d"), c.call("RPOP", "l", "2"));
        assertEquals(EMPTY, c.call("LPOP", "l", "0"));
        assertEquals(bulks("c"), c.call("LPOP", "l", "100"));
        assertEquals(integer(0), c.call("EXISTS", "l"));
        assertEquals(error("ERR value is out of range, must be positive"), c.call("LPOP", "l", "-1"));
        assertEquals(error("ERR value is out of range, must be positive"), c.call("LPOP", "l", "x"));
        assertEquals(error("ERR wrong number of arguments for 'lpop' command"), c.call("LPOP", "l", "1", "2"));
    }

    @Test
    void indexesAndRanges() {
        c.call("RPUSH", "l", "a", "b", "c", "d");
        assertEquals(bulk("a"), c.call("LINDEX", "l", "0"));
        assertEquals(bulk("d"), c.call("LINDEX", "l", "-1"));
        assertEquals(bulk("a"), c.call("LINDEX", "l", "-4"));
        assertEquals(NULL, c.call("LINDEX", "l", "-5"));
        assertEquals(NULL, c.call("LINDEX", "l", "4"));
        assertEquals(NULL, c.call("LINDEX", "none", "x"));
        assertEquals(error("ERR value is not an integer or out of range"), c.call("LINDEX", "l", "x"));
        assertEquals(bulks("b", "c"), c.call("LRANGE", "l", "1", "2"));
        assertEquals(bulks("c", "d"), c.call("LRANGE", "l", "-2", "100"));
        assertEquals(bulks("a", "b", "c", "d"), c.call("LRANGE", "l", "-100", "100"));
        assertEquals(EMPTY, c.call("LRANGE", "l", "3", "1"));
        assertEquals(EMPTY, c.call("LRANGE", "l", "4", "10"));
        assertEquals(EMPTY, c.call("LRANGE", "none", "0", "-1"));
        assertEquals(error("ERR value is not an integer or out of range"), c.call("LRANGE", "none", "a", "1"));
    }

    @Test
    void lsetReplacesOrFails() {
        assertEquals(error("ERR no such key"), c.call("LSET", "l", "0", "x"));
        c.call("RPUSH", "l", "a", "b");
        assertEquals(OK, c.call("LSET", "l", "-1", "z"));
        assertEquals(error("ERR index out of range"), c.call("LSET", "l", "2", "x"));
        assertEquals(error("ERR value is not an integer or out of range"), c.call("LSET", "l", "x", "x"));
        assertEquals(bulks("a", "z"), c.call("LRANGE", "l", "0", "-1"));
    }

    @Test
    void ltrimKeepsTheRange() {
        c.call("RPUSH", "l", "a", "b", "c", "d", "e");
        assertEquals(OK, c.call("LTRIM", "l", "1", "-2"));
        assertEquals(bulks("b", "c", "d"), c.call("LRANGE", "l", "0", "-1"));
        assertEquals(OK, c.call("LTRIM", "l", "0", "100"));
        assertEquals(integer(3), c.call("LLEN", "l"));
        assertEquals(OK, c.call("LTRIM", "l", "2", "1"));
        assertEquals(integer(0), c.call("EXISTS", "l"));
        assertEquals(OK, c.call("LTRIM", "none", "0", "1"));
    }

    @Test
    void lremFromEitherEnd() {
        c.call("RPUSH", "l", "a", "x", "b", "x", "c", "x");
        assertEquals(integer(1), c.call("LREM", "l", "1", "x"));
        assertEquals(bulks("a", "b", "x", "c", "x"), c.call("LRANGE", "l", "0", "-1"));
        assertEquals(integer(1), c.call("LREM", "l", "-1", "x"));
        assertEquals(bulks("a", "b", "x", "c"), c.call("LRANGE", "l", "0", "-1"));
        c.call("RPUSH", "l", "x", "x");
        assertEquals(integer(3), c.call("LREM", "l", "0", "x"));
        assertEquals(bulks("a", "b", "c"), c.call("LRANGE", "l", "0", "-1"));
        assertEquals(integer(0), c.call("LREM", "l", "0", "nope"));
        assertEquals(integer(1), c.call("LREM", "l", "-10", "a"));
        assertEquals(integer(1), c.call("LREM", "l", "0", "b"));
        assertEquals(integer(1), c.call("LREM", "l", "0", "c"));
        assertEquals(integer(0), c.call("EXISTS", "l"));
    }

    @Test
    void linsertAroundThePivot() {
        c.call("RPUSH", "l", "a", "c");
        assertEquals(integer(3), c.call("LINSERT", "l", "BEFORE", "c", "b"));
        assertEquals(integer(4), c.call("LINSERT", "l", "after", "c", "d"));
        assertEquals(integer(-1), c.call("LINSERT", "l", "after", "nope", "d"));
        assertEquals(integer(0), c.call("LINSERT", "none", "after", "a", "b"));
        assertEquals(error("ERR syntax error"), c.call("LINSERT", "l", "middle", "a", "b"));
        assertEquals(bulks("a", "b", "c", "d"), c.call("LRANGE", "l", "0", "-1"));
    }

    @Test
    void lposWithRankCountAndMaxlen() {
        c.call("RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c");
        assertEquals(integer(2), c.call("LPOS", "l", "c"));
        assertEquals(integer(6), c.call("LPOS", "l", "c", "RANK", "2"));
        assertEquals(integer(7), c.call("LPOS", "l", "c", "RANK", "-1"));
        assertEquals(integer(6), c.call("LPOS", "l", "c", "RANK", "-2"));
        assertEquals(array(integer(2), integer(6)), c.call("LPOS", "l", "c", "COUNT", "2"));
        assertEquals(array(integer(2), integer(6), integer(7)), c.call("LPOS", "l", "c", "COUNT", "0"));
        assertEquals(array(integer(7), integer(6)), c.call("LPOS", "l", "c", "COUNT", "0", "RANK", "-1", "MAXLEN", "2"));
        assertEquals(NULL, c.call("LPOS", "l", "c", "MAXLEN", "2"));
        assertEquals(EMPTY, c.call("LPOS", "l", "x", "COUNT", "5"));
        assertEquals(NULL, c.call("LPOS", "none", "x"));
        assertEquals(EMPTY, c.call("LPOS", "none", "x", "COUNT", "1"));
        assertEquals(error("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
                + "or use negative to start from the end of the list"), c.call("LPOS", "l", "c", "RANK", "0"));
        assertEquals(error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"),
                c.call("LPOS", "l", "c", "RANK", "-9223372036854775808"));
        assertEquals(error("ERR COUNT can't be negative"), c.call("LPOS", "l", "c", "COUNT", "-1"));
        assertEquals(error("ERR MAXLEN can't be negative"), c.call("LPOS", "l", "c", "MAXLEN", "x"));
        assertEquals(error("ERR syntax error"), c.call("LPOS", "l", "c", "RANK"));
    }

    @Test
    void lmoveAndRpoplpush() {
        c.call("RPUSH", "src", "a", "b", "c");
        assertEquals(bulk("c"), c.call("RPOPLPUSH", "src", "dst"));
        assertEquals(bulk("a"), c.call("LMOVE", "src", "dst", "LEFT", "RIGHT"));
        assertEquals(bulks("c", "a"), c.call("LRANGE", "dst", "0", "-1"));
        assertEquals(bulk("b"), c.call("LMOVE", "src", "dst", "right", "left"));
        assertEquals(integer(0), c.call("EXISTS", "src"));
        assertEquals(NULL, c.call("LMOVE", "src", "dst", "LEFT", "LEFT"));
        // the same list rotates
        assertEquals(bulk("a"), c.call("RPOPLPUSH", "dst", "dst"));
        assertEquals(bulks("a", "b", "c"), c.call("LRANGE", "dst", "0", "-1"));
        c.call("RPUSH", "one", "x");
        assertEquals(bulk("x"), c.call("LMOVE", "one", "one", "LEFT", "RIGHT"));
        assertEquals(bulks("x"), c.call("LRANGE", "one", "0", "-1"));
        assertEquals(error("ERR syntax error"), c.call("LMOVE", "dst", "x", "UP", "LEFT"));
        c.call("SET", "str", "v");
        assertEquals(WRONGTYPE, c.call("LMOVE", "dst", "str", "LEFT", "LEFT"));
        assertEquals(bulks("a", "b", "c"), c.call("LRANGE", "dst", "0", "-1"));
    }

    @Test
    void lmpopPopsFromTheFirstNonEmptyList() {
        c.call("RPUSH", "b", "1", "2", "3");
        assertEquals(array(bulk("b"), bulks("1", "2")), c.call("LMPOP", "2", "a", "b", "LEFT", "COUNT", "2"));
        assertEquals(array(bulk("b"), bulks("3")), c.call("LMPOP", "2", "a", "b", "RIGHT"));
        assertEquals(NULL_ARRAY, c.call("LMPOP", "2", "a", "b", "RIGHT"));
        assertEquals(error("ERR numkeys should be greater than 0"), c.call("LMPOP", "0", "a", "LEFT"));
        assertEquals(error("ERR syntax error"), c.call("LMPOP", "2", "a", "LEFT"));
        assertEquals(error("ERR syntax error"), c.call("LMPOP", "9223372036854775807", "a", "LEFT"));
        assertEquals(error("ERR count should be greater than 0"), c.call("LMPOP", "1", "a", "LEFT", "COUNT", "0"));
        assertEquals(error("ERR syntax error"), c.call("LMPOP", "1", "a", "LEFT", "COUNT", "1", "COUNT", "1"));
    }

    @Test
    void wrongTypeEverywhere() {
        c.call("SET", "s", "v");
        for (String[] cmd : new String[][] {
                {"LPUSH", "s", "a"}, {"RPUSHX", "s", "a"}, {"LPOP", "s"}, {"RPOP", "s", "2"}, {"LLEN", "s"},
                {"LINDEX", "s", "0"}, {"LSET", "s", "0", "a"}, {"LRANGE", "s", "0", "1"}, {"LTRIM", "s", "0", "1"},
                {"LREM", "s", "0", "a"}, {"LINSERT", "s", "before", "a", "b"}, {"LPOS", "s", "a"},
                {"LMOVE", "s", "d", "LEFT", "LEFT"}, {"RPOPLPUSH", "s", "d"}, {"LMPOP", "1", "s", "LEFT"},
                {"BLPOP", "s", "0"}, {"BRPOP", "s", "0"}, {"BLMOVE", "s", "d", "LEFT", "LEFT", "0"},
                {"BRPOPLPUSH", "s", "d", "0"}, {"BLMPOP", "0", "1", "s", "LEFT"}}) {
            assertEquals(WRONGTYPE, c.call(cmd), String.join(" ", cmd));
        }
        assertEquals(bulk("v"), c.call("GET", "s"));
    }

    @Test
    void binaryElementsAreKeptExactly() {
        byte[] weird = {0, (byte) 0xff, '\r', '\n', 'x'};
        c.call(new byte[][] {"RPUSH".getBytes(), "l".getBytes(), weird});
        assertEquals(new Reply.Bulk(weird), c.call("LINDEX", "l", "0"));
        assertEquals(integer(0), c.call(new byte[][] {"LPOS".getBytes(), "l".getBytes(), weird}));
    }
}
