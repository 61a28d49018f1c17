package io.vellum.scripting;

import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.reply.Reply;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** script-max-memory: the memory one script may take, set with CONFIG SET, and what a script past it gets. */
class ScriptMemoryTest {
    private final TestStore store = new TestStore(Engine.builder().scripting(new LuaScripting()));
    private final TestStore.Client c = store.client();

    @AfterEach
    void close() {
        store.close();
    }

    /** Grows a table of 1 KiB strings until an error stops it: {number of strings, error}. */
    private static final String GROW = "local t = {} "
            + "local ok, e = pcall(function() while true do t[#t + 1] = string.rep('x', 1024) .. #t end end) "
            + "local n = #t t = nil return {n, e}";

    @Test
    void configGetAndSetInMemoryUnits() {
        assertEquals(new Reply.Map(List.of(bulk("script-max-memory"), bulk("0"))), c.call("CONFIG", "GET", "script-max-memory"));
        assertEquals(TestStore.simple("OK"), c.call("CONFIG", "SET", "script-max-memory", "64mb"));
        assertEquals(new Reply.Map(List.of(bulk("script-max-memory"), bulk("67108864"))), c.call("CONFIG", "GET", "script-max-memory"));
        assertTrue(c.call("CONFIG", "SET", "script-max-memory", "-1") instanceof Reply.Error);
        assertTrue(c.call("CONFIG", "SET", "script-max-memory", "lots") instanceof Reply.Error);
        assertEquals(new Reply.Map(List.of(bulk("script-max-memory"), bulk("67108864"))), c.call("CONFIG", "GET", "script-max-memory"));
    }

    @Test
    void aScriptPastTheBoundEndsWithNotEnoughMemoryAndTheEngineRuns() {
        c.call("CONFIG", "SET", "script-max-memory", "32mb");
        Reply r = c.call("EVAL", GROW, "0");
        Reply.Array a = (Reply.Array) r;
        // Lua's memory error, caught by pcall (the heap guard's text: positioned like a VM error)
        assertEquals(bulk("user_script:1: not enough memory"), a.items().get(1), r.toString());
        long strings = ((Reply.Int) a.items().get(0)).value();
        // stopped near its bound, long before the heap guard (85% of the heap) would have
        assertTrue(strings * 1024 < Runtime.getRuntime().maxMemory() / 4, strings + " strings held");
        assertEquals(TestStore.simple("PONG"), c.call("PING"));
        // a script within the bound runs, and the next one starts from its own baseline
        assertEquals(integer(10000),
                c.call("EVAL", "local t = {} for i = 1, 10000 do t[i] = string.rep('y', 1000) .. i end return #t", "0"));
    }

    @Test
    void stringRepPastTheBoundFailsAtOnce() {
        String rep = "return #string.rep('x', 2^25)";
        assertEquals(integer(1 << 25), c.call("EVAL", rep, "0"));
        c.call("CONFIG", "SET", "script-max-memory", "16mb");
        Reply r = c.call("EVAL", rep, "0");
        assertTrue(r instanceof Reply.Error e && e.text().startsWith("ERR user_script:1: not enough memory script: "), r.toString());
        c.call("CONFIG", "SET", "script-max-memory", "0");
        assertEquals(integer(1 << 25), c.call("EVAL", rep, "0"));
    }
}
