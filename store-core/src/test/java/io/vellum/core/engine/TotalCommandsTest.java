package io.vellum.core.engine;

import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * INFO stats total_commands_processed counts what Redis's call() counts (server.c: every
 * command run, EXEC's and scripts' included; not a command refused before it runs; a blocked
 * one once, when its wait ends). redis-server 7.0.15 by hand (deltas, the INFO itself taken
 * out): NOSUCH 0, GET without a key 0, GET a 1, MULTI SET INCR EXEC 4, MULTI NOSUCH EXEC 2,
 * an EVAL making two redis.call 3 (scripting's tests).
 */
class TotalCommandsTest {
    private TestStore st;
    private TestStore.Client a;
    private TestStore.Client b;

    @BeforeEach
    void open() {
        st = new TestStore();
        a = st.client();
        b = st.client();
    }

    @AfterEach
    void close() {
        st.close();
    }

    @Test
    void refusedCommandsAreNotCountedAndEveryCommandRunIs() {
        assertEquals(0, delta(() -> a.call("NOSUCH")));
        assertEquals(0, delta(() -> a.call("GET")));
        assertEquals(1, delta(() -> a.call("GET", "k")));
        assertEquals(4, delta(() -> {
            assertEquals(OK, a.call("MULTI"));
            a.call("SET", "k", "1");
            a.call("INCR", "k");
            a.call("EXEC");
        }), "MULTI, EXEC and the two commands EXEC ran; queuing runs nothing");
        assertEquals(2, delta(() -> {
            assertEquals(OK, a.call("MULTI"));
            a.call("NOSUCH");
            a.call("EXEC");
        }), "MULTI, and EXEC answering EXECABORT (redis-server 7.0.15: 2)");
    }

    @Test
    void aBlockedCommandIsCountedWhenServed() {
        assertEquals(0, delta(() -> assertNull(b.call("BLPOP", "l", "0"))));
        assertEquals(2, delta(() -> {
            assertEquals(integer(1), a.call("LPUSH", "l", "x"));
            assertEquals(1, b.drain().size());
        }), "LPUSH, and the BLPOP it served");
    }

    private long delta(Runnable r) {
        long before = total();
        r.run();
        return total() - before - 1; // the INFO that read the count before
    }

    private long total() {
        Reply reply = a.call("INFO", "stats");
        byte[] v = reply instanceof Reply.Verbatim t ? t.value() : ((Reply.Bulk) reply).value();
        for (String line : new String(v, StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1));
            }
        }
        throw new AssertionError("no total_commands_processed in INFO stats");
    }
}
