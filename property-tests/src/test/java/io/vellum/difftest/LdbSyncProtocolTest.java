package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.Vellum;
import io.vellum.core.reply.Reply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code SCRIPT DEBUG SYNC} over raw connections: the same replies as the real redis-server
 * byte for byte, other clients waiting until the session ends, the script's writes kept;
 * and, on a store with a log, the debugged EVAL logged so that a reopened store replays it to
 * the same dataset (replay checks every record's effect digest), even when the debugger's
 * eval and redis commands tried to change what the script does.
 */
class LdbSyncProtocolTest {
    @RegisterExtension
    static final InProcessServer server = new InProcessServer();

    @TempDir
    Path dir;

    private static final String SCRIPT = "local v = redis.call('INCR', KEYS[1])\n"
            + "local s = 'a\\r\\nb'\n"
            + "redis.debug(v, s, nil, true, 1.5, {k = {1}}, {z = 1, a = 2, [3] = 'c', 10, 1e20, 0.1})\n"
            + "return {v, ARGV[1]}\n";

    /** A client that sends an inline PING and must not be answered while the session holds the server. */
    private static final class Waiter implements AutoCloseable {
        private final Socket socket = new Socket();
        private final InputStream in;

        Waiter(int port) {
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                in = socket.getInputStream();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** What arrived within {@code millis} (empty when nothing did). */
        String read(int millis) {
            StringBuilder sb = new StringBuilder();
            try {
                socket.setSoTimeout(millis);
                while (!sb.toString().endsWith("\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        break;
                    }
                    sb.append((char) b);
                }
            } catch (SocketTimeoutException e) {
                // nothing (more) within the time
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return sb.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Every reply of one SYNC session, as raw RESP text, then what the waiting client got and the key's value. */
    private static List<String> session(int port) throws IOException {
        List<String> replies = new ArrayList<>();
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            c.call("DEL", "ldbs:counter");
            replies.add(c.call("SCRIPT", "DEBUG", "sync").text());
            replies.add(c.call("EVALSHA", "0123456789012345678901234567890123456789", "0").text());
            replies.add(c.call("EVAL", SCRIPT, "1", "ldbs:counter", "arg").text());
            try (Waiter w = new Waiter(port)) {
                replies.add("waiting:" + w.read(300));
                for (String cmd : new String[] {"s", "print", "p v", "next", "step", "p", "e s", "r PING", "r GET ldbs:counter",
                        "r SET", "list 2 1", "b 4", "b", "bogus"}) {
                    replies.add(c.call(cmd.split(" ")).text());
                }
                c.send(RawClient.encode(RawClient.argv("c")));
                replies.add(c.read().text());
                replies.add(c.read().text());
                replies.add(Boolean.toString(c.closedByPeer(5000)));
                replies.add("after:" + w.read(5000));
            }
        }
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            replies.add(c.call("GET", "ldbs:counter").text());
        }
        return replies;
    }

    @Test
    void sameRepliesAsRedisOtherClientsWaitAndWritesAreKept() throws IOException {
        List<String> redis = session(RedisOracle.get().port());
        List<String> vellum = session(server.port());
        assertEquals(redis, vellum);
        int n = vellum.size();
        assertEquals("waiting:", vellum.get(3));
        assertTrue(vellum.get(2).contains("+* Stopped at 1, stop reason = step over\\r\\n"), vellum.get(2));
        assertEquals("*1\\r\\n+<endsession>\\r\\n", vellum.get(n - 5));
        assertEquals("*2\\r\\n:1\\r\\n$3\\r\\narg\\r\\n", vellum.get(n - 4));
        assertEquals("true", vellum.get(n - 3));
        assertEquals("after:+PONG\r\n", vellum.get(n - 2));
        assertEquals("$1\\r\\n1\\r\\n", vellum.get(n - 1), "the session's INCR is kept");
    }

    private static final String RANDOM_SCRIPT = String.join("\n",
            "local t = redis.call('TIME')",
            "redis.call('SET', KEYS[1], t[1] .. '.' .. t[2])",
            "redis.call('HSET', KEYS[2], 'r', tostring(math.random()), 'n', tostring(math.random(1000)))",
            "redis.call('SADD', KEYS[3], 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')",
            "local p = redis.call('SPOP', KEYS[3])",
            "redis.call('RPUSH', KEYS[4], p, KEYS[1])",
            "return p",
            "");

    private static Vellum open(Path d) {
        return Vellum.builder().dir(d).configure(c -> c.save.set(List.of())).open();
    }

    /** DEBUG DIGEST and every value the two sessions' scripts wrote. */
    private static List<String> state(RawClient c) {
        List<String> out = new ArrayList<>(List.of(c.call("DEBUG", "DIGEST").text()));
        for (String sfx : new String[] {"", "2"}) {
            out.addAll(List.of(c.call("GET", "t" + sfx).text(), c.call("HGETALL", "h" + sfx).text(),
                    c.call("SMEMBERS", "s" + sfx).text(), c.call("LRANGE", "l" + sfx, "0", "-1").text()));
        }
        return out;
    }

    /** Runs {@code commands} in a SYNC session of RANDOM_SCRIPT; every log line the session sent. */
    private static String debugRandomScript(int port, String keySuffix, String... commands) {
        StringBuilder out = new StringBuilder();
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            assertEquals("+OK\\r\\n", c.call("SCRIPT", "DEBUG", "sync").text());
            out.append(c.call("EVAL", RANDOM_SCRIPT, "4", "t" + keySuffix, "h" + keySuffix, "s" + keySuffix, "l" + keySuffix).text());
            for (String cmd : commands) {
                out.append(c.call(cmd.split(" ")).text());
            }
            c.send(RawClient.encode(RawClient.argv("c")));
            out.append(c.read().text()).append(c.read().text());
            assertTrue(c.closedByPeer(5000));
        }
        return out.toString();
    }

    @Test
    void aDebuggedScriptIsLoggedAndReplaysToTheSameDataset() {
        List<String> before;
        String log;
        String aborted;
        try (Vellum v = open(dir)) {
            int port = v.serve(0).port();
            log = debugRandomScript(port, "", "n", "n", "e math.random()", "e KEYS[1] = 'other'", "e setmetatable(ARGV, {})",
                    "r SET x y", "r SRANDMEMBER s", "e redis.call('SPOP', KEYS[3])", "e redis.setresp(3)", "p KEYS");
            // a second session: abort is refused once the script wrote, so it runs to its end
            aborted = debugRandomScript(port, "2", "n", "n", "n", "a");
            try (RawClient c = new RawClient("127.0.0.1", port)) {
                before = state(c);
                assertEquals("$-1\\r\\n", c.call("GET", "x").text(), "the debugger's SET was refused");
            }
        }
        String refused = "<error> This command is not allowed from the debugger in SYNC mode: "
                + "replay of the logged script could not repeat it";
        assertTrue(log.contains("+<redis> SET x y\\r\\n+" + refused), log);
        assertTrue(log.contains("+<redis> SRANDMEMBER s\\r\\n+" + refused), log);
        assertTrue(log.contains("<value> {\"t\"; \"h\"; \"s\"; \"l\"}"), log);
        assertTrue(log.contains("+<endsession>\\r\\n"), log);
        assertTrue(aborted.contains("<error> Can't abort a script that wrote in SYNC mode"), aborted);
        assertFalse(aborted.contains("script aborted for user request"), aborted);
        // both sessions' lists hold the popped member and the key name: nothing was rolled back
        assertTrue(before.get(4).startsWith("*2\\r\\n") && before.get(8).startsWith("*2\\r\\n"), before.toString());
        try (Vellum v = open(dir); RawClient c = new RawClient("127.0.0.1", v.serve(0).port())) {
            assertEquals(before, state(c), "replaying the log gave another dataset");
        }
    }

    @Test
    void abortBeforeAnyWriteEndsTheScriptAndLogsNothing() {
        try (RawClient c = new RawClient("127.0.0.1", server.port())) {
            c.call("DEL", "t", "h", "s", "l");
        }
        String out;
        try (RawClient c = new RawClient("127.0.0.1", server.port())) {
            c.call("SCRIPT", "DEBUG", "sync");
            c.call("EVAL", RANDOM_SCRIPT, "4", "t", "h", "s", "l");
            out = c.call("a").text();
            out += c.read().text();
            assertTrue(c.closedByPeer(5000));
        }
        assertTrue(out.contains("<endsession>"), out);
        assertTrue(out.contains("script aborted for user request"), out);
        try (RawClient c = new RawClient("127.0.0.1", server.port())) {
            assertEquals(":0\\r\\n", c.call("EXISTS", "t", "h", "s", "l").text());
        }
    }

    @Test
    void aClientGoneWhileStoppedLeavesTheScriptToFinishAndTheServerServes() {
        try (RawClient c = new RawClient("127.0.0.1", server.port())) {
            c.call("DEL", "ldbs:gone");
            c.call("SCRIPT", "DEBUG", "sync");
            assertTrue(c.call("EVAL", "redis.call('SET', KEYS[1], 'a')\nredis.call('APPEND', KEYS[1], 'b')\nreturn 1", "1", "ldbs:gone")
                    .text().contains("Stopped at 1"));
            c.call("n");
        }
        try (RawClient other = new RawClient("127.0.0.1", server.port())) {
            // the engine was waiting for the debugger; it notices the closed connection and runs the rest
            assertEquals("$2\\r\\nab\\r\\n", other.call("GET", "ldbs:gone").text());
            assertEquals("+PONG\\r\\n", other.call("PING").text());
        }
    }

    @Test
    void anEmbeddedConnectionCannotDebugInSyncMode() {
        assertEquals(new Reply.Error("ERR SCRIPT DEBUG SYNC needs a network connection: the debugger reads its commands "
                + "from the socket while the server waits"), server.store.execute("SCRIPT", "DEBUG", "sync"));
    }
}
