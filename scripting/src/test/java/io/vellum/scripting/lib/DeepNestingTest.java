package io.vellum.scripting.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Nesting as deep as Lua's 8000-slot C stack allows (cjson encode and decode, cmsgpack unpack)
 * gives Redis's results and error texts whatever the Java stack of the thread running the
 * script: here a thread with a 256 KiB stack, a quarter of a default thread's. The codecs once
 * recursed on the Java stack, so these ended in a StackOverflowError (or a "stack overflow"
 * error in place of Redis's text) on a small stack, and passed or failed on a larger one
 * depending on how the JIT had compiled the recursion.
 */
class DeepNestingTest {
    private static final long SMALL_STACK = 256 * 1024;

    private static final String DEPTH = " local d = 0 while type(t) == 'table' do d = d + 1 t = t[1] end return d";

    private static final List<String> BODIES = List.of(
            "local c = cjson.new() c.encode_max_depth(2^31 - 1) local t = {} t[1] = t return c.encode(t)",
            "local c = cjson.new() c.encode_max_depth(2^31 - 1) local t = {} t.a = t return c.encode(t)",
            "local c = cjson.new() c.encode_max_depth(2^31 - 1) local t = {} t[1] = {1, 2, t} return c.encode(t)",
            "local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t"
                    + " for i = 1, 7990 do x[1] = {} x = x[1] end return #c.encode(t)",
            "local c = cjson.new() c.encode_max_depth(100000) local t = {} local x = t"
                    + " for i = 1, 3990 do x.k = {} x = x.k end return #c.encode(t)",
            "local c = cjson.new() c.decode_max_depth(2^31 - 1) return c.decode(string.rep('[', 200000))",
            "local c = cjson.new() c.decode_max_depth(2^31 - 1) return c.decode(string.rep('{\"a\":', 200000))",
            "local c = cjson.new() c.decode_max_depth(2^31 - 1)"
                    + " local t = c.decode(string.rep('[', 7990) .. string.rep(']', 7990))" + DEPTH,
            "local c = cjson.new() c.decode_max_depth(2^31 - 1)"
                    + " local t = c.decode(string.rep('[[],', 5000) .. string.rep(']', 5000))" + DEPTH,
            "local c = cjson.new() c.decode_max_depth(2^31 - 1)"
                    + " local t = c.decode(string.rep('[1,', 7000) .. '2' .. string.rep(']', 6999) .. ',3')",
            "return cmsgpack.unpack(string.rep('\\145', 100000))",
            "return cmsgpack.unpack(string.rep('\\129\\1', 100000))",
            "local t = cmsgpack.unpack(string.rep('\\145', 3990) .. '\\144')" + DEPTH,
            "local t = cmsgpack.unpack(string.rep('\\146\\144', 3000) .. '\\1' .. string.rep('\\1', 3000)) return #cmsgpack.pack(t)",
            "local t = cmsgpack.unpack(string.rep('\\129\\145', 2500) .. '\\144' .. string.rep('\\1', 2500))"
                    + " local d = 0 while type(t) == 'table' do d = d + 1 t = next(t) end return d");

    @Test
    void deepNestingGivesRedisResultsOnASmallStack() throws InterruptedException {
        LuaSnippets lua = new LuaSnippets();
        for (String body : BODIES) {
            String expected = LuaSnippets.redis(body);
            assertEquals(expected, onSmallStack(() -> lua.luaj(body)), body);
            assertEquals("n2", lua.luaj("return 1 + 1"), "after " + body);
        }
    }

    /** Runs {@code task} on a new thread with a 256 KiB stack; rethrows what it threw, errors included. */
    static String onSmallStack(java.util.function.Supplier<String> task) throws InterruptedException {
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(task.get());
            } catch (Throwable e) {
                result.set(e);
            }
        }, "small-stack", SMALL_STACK);
        t.start();
        t.join();
        Object r = result.get();
        if (r instanceof Error e) {
            throw e;
        }
        if (r instanceof RuntimeException e) {
            throw e;
        }
        return (String) r;
    }
}
