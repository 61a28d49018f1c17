package io.vellum.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaClosure;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Prototype;
import org.luaj.vm2.Varargs;

/**
 * A compiled script's string constants that name globals or library members are the tables'
 * own key objects (Lua 5.1 interns strings; LuaJ then finds the slot without comparing bytes),
 * in nested functions too; other constants are left alone, and scripts answer as before.
 */
class ScriptNamesTest {
    private final LuaScripting scripting = new LuaScripting();
    private final TestStore store = new TestStore(Engine.builder().scripting(scripting));
    private final TestStore.Client c = store.client();

    @AfterEach
    void close() {
        store.close();
    }

    private static Map<LuaString, LuaString> keysOf(LuaTable t) {
        Map<LuaString, LuaString> out = new HashMap<>();
        for (LuaValue k = LuaValue.NIL; ; ) {
            Varargs n = t.next(k);
            if ((k = n.arg1()).isnil()) {
                return out;
            }
            if (k instanceof LuaString s) {
                out.put(s, s);
            }
        }
    }

    private static LuaString constant(Prototype p, String text) {
        for (LuaValue k : p.k) {
            if (k instanceof LuaString s && s.tojstring().equals(text)) {
                return s;
            }
        }
        throw new AssertionError("no constant " + text);
    }

    @Test
    void constantsNamingGlobalsAndLibraryMembersAreTheTablesOwnKeys() {
        c.call("SET", "k", "41");
        assertEquals(TestStore.integer(42), c.call("EVAL", "return tonumber(redis.call('GET', KEYS[1])) + 1", "1", "k"));
        LuaSandbox sb = scripting.sandbox();
        byte[] body = "local function f() return string.upper(ARGV[1]) end return redis.call('GET', KEYS[1]) .. f() .. 'redis'"
                .getBytes(StandardCharsets.ISO_8859_1);
        Prototype p = ((LuaClosure) sb.compile(body, 0, "@user_script", sb.globals)).p;
        Map<LuaString, LuaString> globals = keysOf(sb.globals);
        Map<LuaString, LuaString> redis = keysOf((LuaTable) sb.globals.rawget("redis"));
        Map<LuaString, LuaString> string = keysOf((LuaTable) sb.globals.rawget("string"));
        assertSame(globals.get(LuaString.valueOf("redis")), constant(p, "redis"));
        assertSame(globals.get(LuaString.valueOf("KEYS")), constant(p, "KEYS"));
        assertSame(redis.get(LuaString.valueOf("call")), constant(p, "call"));
        Prototype nested = p.p[0];
        assertSame(globals.get(LuaString.valueOf("ARGV")), constant(nested, "ARGV"));
        assertSame(string.get(LuaString.valueOf("upper")), constant(nested, "upper"));
        assertNotSame(null, constant(p, "GET"));
        assertEquals(TestStore.bulk("41Xredis"), c.call("EVAL", new String(body, StandardCharsets.ISO_8859_1), "1", "k", "x"));
    }
}
