package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Lua debugger's protocol replies byte for byte (ldbSendLogs' multi-bulks of status
 * lines, the {@code <endsession>} mark, the script's reply, the closed connection), compared
 * with the real redis-server 7.0 over raw connections; and that the engine keeps serving other
 * clients while a session is stopped, and that the session's writes never reach the dataset.
 */
class LdbProtocolTest {
    @RegisterExtension
    static final InProcessServer server = new InProcessServer();

    private static final String SCRIPT = "local v = redis.call('INCR', KEYS[1])\n"
            + "local s = 'a\\r\\nb'\n"
            + "redis.debug(v, s, nil, true, 1.5, {k = {1}}, {z = 1, a = 2, [3] = 'c', 10, 1e20, 0.1})\n"
            + "return {v, ARGV[1]}\n";

    /** Every reply of one debugging session, as raw RESP text. */
    private static List<String> session(int port, Runnable whileStopped) {
        List<String> replies = new ArrayList<>();
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            replies.add(c.call("SCRIPT", "DEBUG", "maybe").text());
            replies.add(c.call("SCRIPT", "DEBUG", "no").text());
            replies.add(c.call("SCRIPT", "DEBUG", "yes").text());
            replies.add(c.call("EVALSHA", "0123456789012345678901234567890123456789", "0").text());
            replies.add(c.call("EVAL", SCRIPT, "1", "ldbp:counter", "arg").text());
            whileStopped.run();
            for (String cmd : new String[] {"s", "print", "p v", "next", "step", "p", "e s", "r PING", "r SET", "list 2 1", "b 4", "b", "bogus"}) {
                replies.add(c.call(cmd.split(" ")).text());
            }
            c.send(RawClient.encode(RawClient.argv("c")));
            replies.add(c.read().text());
            replies.add(c.read().text());
            replies.add(Boolean.toString(c.closedByPeer(5000)));
        }
        return replies;
    }

    @Test
    void sameRepliesAsRedis() {
        List<String> redis = session(RedisOracle.get().port(), () -> { });
        List<String> pings = new ArrayList<>();
        List<String> vellum = session(server.port(), () -> {
            try (RawClient other = new RawClient("127.0.0.1", server.port())) {
                pings.add(other.call("PING").text());
                pings.add(other.call("SET", "ldbp:counter", "41").text());
            }
        });
        assertEquals(redis, vellum);
        // the engine served another client while the session was stopped; the session saw
        // the copy taken at its EVAL, not that client's write
        assertEquals(List.of("+PONG\\r\\n", "+OK\\r\\n"), pings);
        assertTrue(vellum.get(4).contains("+* Stopped at 1, stop reason = step over\\r\\n"), vellum.get(4));
        assertTrue(vellum.get(vellum.size() - 3).equals("*1\\r\\n+<endsession>\\r\\n"), vellum.toString());
        assertEquals("*2\\r\\n:1\\r\\n$3\\r\\narg\\r\\n", vellum.get(vellum.size() - 2));
        assertEquals("true", vellum.get(vellum.size() - 1));
        try (RawClient c = new RawClient("127.0.0.1", server.port())) {
            // the session's INCR was on the throwaway copy
            assertEquals("$2\\r\\n41\\r\\n", c.call("GET", "ldbp:counter").text());
        }
    }

    /** A debugged infinite loop: after busy-reply-threshold without a stop, the debugger stops it (YES or SYNC). */
    private static List<String> timeoutSession(int port, String mode) {
        List<String> replies = new ArrayList<>();
        try (RawClient admin = new RawClient("127.0.0.1", port); RawClient c = new RawClient("127.0.0.1", port)) {
            admin.call("CONFIG", "SET", "busy-reply-threshold", "200");
            try {
                replies.add(c.call("SCRIPT", "DEBUG", mode).text());
                replies.add(c.call("EVAL", "local i = 0\nwhile true do i = i + 1 end\n", "0").text());
                replies.add(c.call("c").text());
                replies.add(c.call("b").text());
                c.send(RawClient.encode(RawClient.argv("a")));
                replies.add(c.read().text());
                replies.add(c.read().text().replaceAll("script: [0-9a-f]{40}", "script: <sha>"));
                replies.add(Boolean.toString(c.closedByPeer(5000)));
            } finally {
                admin.call("CONFIG", "SET", "busy-reply-threshold", "5000");
            }
        }
        return replies;
    }

    @Test
    void anInfiniteLoopStopsWithTimeoutReached() {
        for (String mode : new String[] {"yes", "sync"}) {
            List<String> vellum = timeoutSession(server.port(), mode);
            assertEquals(timeoutSession(RedisOracle.get().port(), mode), vellum, mode);
            assertTrue(vellum.get(2).startsWith("*2\\r\\n+* Stopped at 2, stop reason = timeout reached, infinite loop?\\r\\n"),
                    vellum.get(2));
        }
    }
}
