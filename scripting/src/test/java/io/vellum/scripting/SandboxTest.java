package io.vellum.scripting;

import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.integer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.UnitRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Limits and determinism of the sandbox: each case ends in an error and the engine answers after. */
class SandboxTest {
    private final LuaScripting scripting = new LuaScripting();
    private final TestStore store = new TestStore(Engine.builder().scripting(scripting));
    private final TestStore.Client c = store.client();

    @AfterEach
    void close() {
        store.close();
    }

    private String errorOf(String script) {
        Reply r = c.call("EVAL", script, "0");
        assertTrue(r instanceof Reply.Error, script + " gave " + r);
        assertEquals(TestStore.simple("PONG"), c.call("PING"));
        return ((Reply.Error) r).text();
    }

    @Test
    void deepRecursionEndsWithStackOverflow() {
        String e = errorOf("local function f() return f() + 1 end return f()");
        assertTrue(e.startsWith("ERR user_script:1: stack overflow script: "), e);
        assertEquals(TestStore.array(integer(0), bulk("user_script:1: stack overflow")),
                c.call("EVAL", "local function f() return f() + 1 end local ok, m = pcall(f) return {ok and 1 or 0, m}", "0"));
        e = errorOf("local a = 'x' + 1");
        assertTrue(e.startsWith("ERR user_script:1: attempt to perform arithmetic on a string value script: "), e);
        assertEquals(integer(2000), c.call("EVAL", "local function f(n) if n == 0 then return 0 end return f(n - 1) + 1 end return f(2000)", "0"));
    }

    @Test
    void hugeStringsEndWithAnError() {
        assertTrue(errorOf("return #string.rep('x', 2^30)").startsWith("ERR user_script:1: not enough memory script: "));
        // C's int conversion of 2^31 is negative: Lua 5.1 returns the empty string.
        assertEquals(bulk(""), c.call("EVAL", "return string.rep('x', 2^31)", "0"));
        assertEquals(integer(1048576), c.call("EVAL", "return #string.rep('x', 2^20, 'y')", "0"));
    }

    @Test
    void deepRepliesEndWithLuaStackLimit() {
        Reply r = c.call("EVAL", "local t = {} t[1] = t return t", "0");
        int depth = 0;
        while (r instanceof Reply.Array a) {
            r = a.items().get(0);
            depth++;
        }
        assertEquals(LuaReplies.MAX_DEPTH, depth);
        assertEquals(TestStore.error("ERR reached lua stack limit"), r);
    }

    /** The reply is written from a heap stack: a 256 KiB thread stack writes all 7995 levels too. */
    @Test
    void deepRepliesEndWithLuaStackLimitOnASmallStack() throws InterruptedException {
        java.util.concurrent.atomic.AtomicReference<Object> result = new java.util.concurrent.atomic.AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(c.call("EVAL", "local t = {} t[1] = {1, {map = {a = t}}} return t", "0"));
            } catch (Throwable e) {
                result.set(e);
            }
        }, "small-stack", 256 * 1024);
        t.start();
        t.join();
        Object r = result.get();
        int depth = 0;
        while (r instanceof Reply.Array || r instanceof Reply.Map) {
            if (r instanceof Reply.Array a) {
                r = a.items().get(a.items().size() - 1);
            } else {
                r = ((Reply.Map) r).items().get(1);
            }
            depth++;
        }
        assertEquals(LuaReplies.MAX_DEPTH, depth);
        assertEquals(TestStore.error("ERR reached lua stack limit"), r);
    }

    @Test
    void tostringShowsNoAddresses() {
        Reply a = c.call("EVAL", "return {tostring({}), tostring(rawget(_G, 'print') ~= nil), tostring(function() end), tostring({})}", "0");
        assertEquals(TestStore.array(bulk("table: 0x00000001"), bulk("false"), bulk("function: 0x00000002"), bulk("table: 0x00000003")), a);
        assertEquals(a, c.call("EVAL", "return {tostring({}), tostring(rawget(_G, 'print') ~= nil), tostring(function() end), tostring({})}", "0"));
    }

    @Test
    void bytecodeIsRefused() {
        assertEquals(TestStore.array(TestStore.NULL, bulk("[string \"\u001bLuaQ\"]:1: unexpected symbol near 'char(27)'")),
                c.call("EVAL", "local f, e = loadstring(string.dump(function() return 1 end)) return {f == nil and false, e}", "0"));
        assertEquals(TestStore.array(TestStore.NULL, bulk("[string \"\u001bLuaQ\"]:1: unexpected symbol near 'char(27)'")),
                c.call("EVAL", "local s = string.dump(function() return 1 end) local done = false "
                        + "local f, e = load(function() if done then return nil end done = true return s end, s) return {f == nil and false, e}", "0"));
    }

    @Test
    void globalsOfOneScriptDoNotReachAnother() {
        errorOf("secret = 1");
        assertTrue(errorOf("return secret").contains("Script attempted to access nonexistent global variable 'secret'"));
        errorOf("KEYS = nil");
        assertEquals(TestStore.array(bulk("k")), c.call("EVAL", "return KEYS", "1", "k"));
    }

    @Test
    void scriptKillStopsARunningScript() throws Exception {
        Thread killer = new Thread(() -> {
            while (!"OK".equals(scripting.killFromNetwork(false))) {
                Thread.onSpinWait();
            }
        });
        killer.start();
        String e = errorOf("while true do end");
        killer.join();
        assertEquals("ERR Script killed by user with SCRIPT KILL... script: " + Sha1.hex("while true do end") + ", on @user_script:1.", e);
    }

    @Test
    void replayDrawsTheSameRandomNumbers() {
        c.call("EVAL", "return math.random()", "0"); // read-only: advances the generator, logs nothing
        c.call("EVAL", "redis.call('rpush', 'l', math.random(1000000), math.random(1000000))", "0");
        c.call("EVAL", "redis.call('rpush', 'l', math.random(1000000))", "0");
        Reply list = c.call("LRANGE", "l", "0", "-1");
        assertEquals(2, store.records.size());
        assertTrue(store.records.get(0).scriptState() != UnitRecord.NO_SCRIPT_STATE);
        try (TestStore replica = new TestStore(Engine.builder().scripting(new LuaScripting()))) {
            for (UnitRecord r : store.records) {
                replica.engine.applyRecord(r, false);
            }
            assertEquals(list, replica.client().call("LRANGE", "l", "0", "-1"));
        }
    }
}
