package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SLOWLOG against a real Redis, with every command logged (slowlog-log-slower-than 0): which
 * commands are logged and in which order (EXEC not, the commands it ran and a script's
 * redis.call yes), their arguments as kept (32 at most, 128 bytes each, passwords redacted),
 * the client's name, the script client's "?:0". Ids, times and durations differ between any
 * two servers and are checked for sense only; a client's address by its form.
 */
class SlowLogDiffTest extends DifferentialTest {

    @AfterEach
    void defaults() {
        both("CONFIG", "SET", "slowlog-log-slower-than", "10000");
        both("CONFIG", "SET", "slowlog-max-len", "128");
        both("CLIENT", "SETNAME", "");
        both("SLOWLOG", "RESET");
    }

    private void workload() {
        both("CONFIG", "SET", "slowlog-log-slower-than", "0");
        both("SLOWLOG", "RESET");
        both("CLIENT", "SETNAME", "slowtest");
        both("SET", "sl:a", "1");
        List<String> many = new ArrayList<>(List.of("SADD", "sl:set"));
        for (int i = 3; i <= 33; i++) {
            many.add(Integer.toString(i));
        }
        both(many.toArray(new String[0]));
        both("SADD", "sl:set", "foo", "A".repeat(129));
        both("EVAL", "redis.call('set', 'sl:x', '1') return 1", "0");
        both("MULTI");
        both("INCR", "sl:n");
        both("EXEC");
        both("AUTH", "secret");
        both("AUTH", "someone", "secret");
        both("HELLO", "2", "AUTH", "default", "secret");
        both("CONFIG", "SET", "requirepass", "", "slowlog-max-len", "128");
        both("CONFIG", "SET", "slowlog-log-slower-than", "-1");
        both("SET", "sl:after", "not logged");
    }

    @Test
    void entriesAreRedisEntries() {
        workload();
        same("SLOWLOG", "LEN");
        RespReader.Node r = redis.call("SLOWLOG", "GET", "-1").node();
        RespReader.Node v = vellum.call("SLOWLOG", "GET", "-1").node();
        assertEquals(r.children().size(), v.children().size(), "entries");
        long lastId = Long.MAX_VALUE;
        for (int i = 0; i < r.children().size(); i++) {
            RespReader.Node re = r.children().get(i);
            RespReader.Node ve = v.children().get(i);
            assertEquals(6, ve.children().size());
            assertEquals(re.children().get(3).toString(), ve.children().get(3).toString(), "arguments of entry " + i);
            assertEquals(re.children().get(5).toString(), ve.children().get(5).toString(), "client name of entry " + i);
            String rPeer = re.children().get(4).scalarText();
            String vPeer = ve.children().get(4).scalarText();
            if (rPeer.equals("?:0")) {
                assertEquals("?:0", vPeer, "entry " + i);
            } else {
                assertTrue(vPeer.startsWith("127.0.0.1:"), vPeer);
            }
            long id = Long.parseLong(ve.children().get(0).scalarText());
            assertTrue(id < lastId, "ids fall, newest first");
            lastId = id;
            long seconds = Long.parseLong(ve.children().get(1).scalarText());
            assertTrue(Math.abs(seconds - System.currentTimeMillis() / 1000) < 60, "time " + seconds);
            assertTrue(Long.parseLong(ve.children().get(2).scalarText()) >= 0);
        }
        assertTrue(r.children().size() > 10, "the workload's entries");
        // the newest entries' arguments again, through the count
        assertEquals(r.children().get(0).children().get(3).toString(),
                vellum.call("SLOWLOG", "GET", "1").node().children().get(0).children().get(3).toString());
    }

    @Test
    void maxLenTrimsTheOldest() {
        both("CONFIG", "SET", "slowlog-log-slower-than", "0");
        both("CONFIG", "SET", "slowlog-max-len", "3");
        both("SLOWLOG", "RESET");
        both("SET", "k", "1");
        both("SADD", "s", "a");
        both("INCR", "n");
        both("LPUSH", "l", "a");
        same("SLOWLOG", "LEN");
        same("SLOWLOG", "GET", "0");
        RespReader.Node v = vellum.call("SLOWLOG", "GET", "-1").node();
        RespReader.Node r = redis.call("SLOWLOG", "GET", "-1").node();
        assertEquals(r.children().size(), v.children().size());
        for (int i = 0; i < r.children().size(); i++) {
            assertEquals(r.children().get(i).children().get(3).toString(), v.children().get(i).children().get(3).toString());
        }
    }

    @Test
    void errorsAndHelp() {
        same("SLOWLOG", "GET", "-2");
        same("SLOWLOG", "GET", "x");
        same("SLOWLOG", "GET", "1", "2");
        same("SLOWLOG", "LEN", "x");
        same("SLOWLOG", "HELP");
        same("SLOWLOG", "nosuch");
        same("SLOWLOG");
        same("CONFIG", "SET", "slowlog-log-slower-than", "-2");
        same("CONFIG", "SET", "slowlog-max-len", "-1");
        samePairs("CONFIG", "GET", "slowlog-*"); // Redis answers in its dictionary's order
    }
}
