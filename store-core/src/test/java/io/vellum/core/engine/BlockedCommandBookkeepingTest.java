package io.vellum.core.engine;

import static io.vellum.core.TestStore.NULL_ARRAY;
import static io.vellum.core.TestStore.OK;
import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static io.vellum.core.TestStore.integer;
import static io.vellum.core.TestStore.simple;
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
 * A blocked command that is served later (re-run when a key it waits on changes), times out
 * or is unblocked gets the bookkeeping of any other command: WATCH sees what it changed, and
 * INFO commandstats counts it once, with failed_calls when it ended in an error.
 *
 * <p>Redis, for the counts: 7.2's call() skips a client that blocked; the re-run that serves
 * it counts the call (and a failed call when it answered an error), and on a timeout or
 * CLIENT UNBLOCK blocked.c's updateStatsOnUnblock does (failed for CLIENT UNBLOCK ... ERROR).
 * redis-server 7.0.15, by hand: a BLPOP blocked then served, calls=1, failed_calls=0; a BLMOVE
 * served into a string destination, WRONGTYPE, calls=1, failed_calls=1, errorstat_WRONGTYPE
 * count=1; CLIENT UNBLOCK id ERROR, failed_calls=1, errorstat_UNBLOCKED count=1. 7.0 counted
 * the call when the command blocked (calls=1 while it waits); 7.2 counts it when the wait
 * ends, and so does Vellum.
 */
class BlockedCommandBookkeepingTest {
    private TestStore st;
    private TestStore.Client a;
    private TestStore.Client b;
    private TestStore.Client c;

    @BeforeEach
    void open() {
        st = new TestStore();
        a = st.client();
        b = st.client();
        c = st.client();
    }

    @AfterEach
    void close() {
        st.close();
    }

    @Test
    void aServedBlpopThatPopsAWatchedKeyFailsTheWatchersExec() {
        assertEquals(OK, a.call("WATCH", "l"));
        assertNull(b.call("BLPOP", "l", "0"));
        assertEquals(integer(1), c.call("LPUSH", "l", "x"));
        assertEquals(List.of(array(bulk("l"), bulk("x"))), b.drain());
        assertEquals(OK, a.call("MULTI"));
        assertEquals(simple("QUEUED"), a.call("LPUSH", "l", "mine"));
        assertEquals(NULL_ARRAY, a.call("EXEC"));
        assertEquals(integer(0), a.call("EXISTS", "l"));
    }

    @Test
    void aServedBlmoveTouchesTheWatchedDestination() {
        // only the served command writes the watched key: the push went to its source
        assertEquals(OK, a.call("WATCH", "dst"));
        assertNull(b.call("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"));
        c.call("LPUSH", "src", "x");
        assertEquals(List.of(bulk("x")), b.drain());
        assertEquals(OK, a.call("MULTI"));
        assertEquals(simple("QUEUED"), a.call("DEL", "dst"));
        assertEquals(NULL_ARRAY, a.call("EXEC"));
        assertEquals(integer(1), a.call("LLEN", "dst"));
    }

    @Test
    void aBlockedBlpopIsCountedOnceWhenItIsServed() {
        c.call("CONFIG", "RESETSTAT");
        assertNull(b.call("BLPOP", "l", "0"));
        assertNull(stat("blpop"), "not counted while it waits (7.2)");
        // woken with nothing to pop: the retry waits again, still uncounted
        c.call("MULTI");
        c.call("LPUSH", "l", "x");
        c.call("DEL", "l");
        c.call("EXEC");
        assertEquals(1, st.engine.blockedClients());
        assertNull(stat("blpop"));
        c.call("LPUSH", "l", "y");
        assertEquals(List.of(array(bulk("l"), bulk("y"))), b.drain());
        assertEquals("calls=1,rejected_calls=0,failed_calls=0", stat("blpop"));
        c.call("RPUSH", "l", "z");
        assertEquals(array(bulk("l"), bulk("z")), b.call("BLPOP", "l", "0"));
        assertEquals("calls=2,rejected_calls=0,failed_calls=0", stat("blpop"), "served at once: counted at once");
    }

    @Test
    void aServedBlockedCommandThatFailsIsAFailedCall() {
        c.call("SET", "dst", "a string");
        c.call("CONFIG", "RESETSTAT");
        assertNull(b.call("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0"));
        c.call("LPUSH", "src", "x");
        assertEquals(List.of(error("WRONGTYPE Operation against a key holding the wrong kind of value")), b.drain());
        assertEquals("calls=1,rejected_calls=0,failed_calls=1", stat("blmove"));
        assertEquals("calls=1,rejected_calls=0,failed_calls=0", stat("lpush"), "the retry's error is not the pusher's");
        String errors = info("errorstats");
        assertEquals(true, errors.contains("errorstat_WRONGTYPE:count=1\r\n"), errors);
    }

    @Test
    void clientUnblockCountsTheCallAndItsErrorAsAFailedCall() {
        c.call("CONFIG", "RESETSTAT");
        assertNull(a.call("BLPOP", "l", "0"));
        assertNull(b.call("BZPOPMIN", "z", "0"));
        assertEquals(integer(1), c.call("CLIENT", "UNBLOCK", Long.toString(a.session.id()), "ERROR"));
        assertEquals(List.of(error("UNBLOCKED client unblocked via CLIENT UNBLOCK")), a.drain());
        assertEquals(integer(1), c.call("CLIENT", "UNBLOCK", Long.toString(b.session.id())));
        assertEquals(List.of(NULL_ARRAY), b.drain());
        assertEquals("calls=1,rejected_calls=0,failed_calls=1", stat("blpop"));
        assertEquals("calls=1,rejected_calls=0,failed_calls=0", stat("bzpopmin"));
    }

    private String info(String section) {
        Reply r = c.call("INFO", section);
        byte[] v = r instanceof Reply.Verbatim t ? t.value() : ((Reply.Bulk) r).value();
        return new String(v, StandardCharsets.ISO_8859_1);
    }

    /** The cmdstat line of {@code command} without its usec fields, or null when it has none. */
    private String stat(String command) {
        for (String line : info("commandstats").split("\r\n")) {
            if (line.startsWith("cmdstat_" + command + ":")) {
                StringBuilder sb = new StringBuilder();
                for (String kv : line.substring(line.indexOf(':') + 1).split(",")) {
                    if (!kv.startsWith("usec")) {
                        sb.append(sb.length() == 0 ? "" : ",").append(kv);
                    }
                }
                return sb.toString();
            }
        }
        return null;
    }
}
