package io.vellum.scripting.lib;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Installs the Lua libraries Redis ships with its scripting engine (cjson, cmsgpack, bit, struct)
 * and the Lua 5.1 behaviour LuaJ 5.2 lacks (number formatting, string.format, tonumber, unpack).
 *
 * <p>The caller builds the Globals with LuaJ's base, table, string and math libraries first;
 * this installs on top of them. Sandboxing (read-only tables, removed globals) is the caller's.
 * Not thread-safe: one Globals per engine thread, as LuaJ itself requires.
 */
public final class RedisLuaLibraries {
    private RedisLuaLibraries() {}

    /** Installs every library that exists so far into {@code g}. */
    public static void install(Globals g) {
        checkLua51Numbers();
        BaseFunctions.install(g);
        LuaValue string = g.get("string");
        if (string.istable()) {
            ((LuaTable) string).rawset("format", new StringFormat());
        }
        g.rawset("bit", BitLib.create());
        g.rawset("struct", StructLib.create());
        g.rawset("cmsgpack", CmsgpackLib.create());
        g.rawset("cjson", CjsonLib.create());
    }

    /**
     * Fails loudly when LuaJ's stock {@code LuaDouble} was loaded instead of Vellum's (a
     * luaj-jse jar ahead of vellum-scripting on the classpath): numbers would print as
     * {@code 0.33333334} instead of Redis's {@code 0.33333333333333}.
     */
    static void checkLua51Numbers() {
        String third = LuaValue.valueOf(1.0 / 3).tojstring();
        if (!"0.33333333333333".equals(third)) {
            throw new IllegalStateException("LuaJ's own org.luaj.vm2.LuaDouble is loaded (1/3 prints as " + third
                    + "): vellum-scripting bundles LuaJ with Lua 5.1 number formatting; remove the luaj-jse jar"
                    + " from the classpath");
        }
    }
}
