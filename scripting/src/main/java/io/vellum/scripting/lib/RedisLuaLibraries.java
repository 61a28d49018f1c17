package io.vellum.scripting.lib;

import org.luaj.vm2.Globals;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * Installs the Lua libraries Redis ships with its scripting engine (cjson, cmsgpack, bit, struct)
 * and the Lua 5.1 behaviour LuaJ 5.2 lacks (number formatting, string.format, tonumber, unpack).
 *
 * <p>Numbers print as Lua 5.1's {@code %.14g} everywhere (tostring, {@code ..}, table.concat,
 * string coercions) because this module bundles LuaJ with its own {@code org.luaj.vm2.LuaDouble};
 * {@link #install} refuses to run if the stock one is loaded. Errors raised here are
 * {@code LuaError}s whose message is Redis's text without position (LuaJ prefixes
 * {@code "@chunk:line "} on the way out of the calling function; Redis shows
 * {@code "user_script:line: "}). Tables are iterated for encoding in Lua 5.1's order
 * ({@link Lua51TableOrder}).
 *
 * <p>The caller builds the Globals with LuaJ's base, table, string and math libraries first;
 * this installs on top of them. Sandboxing (read-only tables, removed globals) is the caller's.
 * Not thread-safe: one Globals per engine thread, as LuaJ itself requires.
 */
public final class RedisLuaLibraries {
    private RedisLuaLibraries() {}

    /** Installs the libraries into {@code g}, with no interrupt check. */
    public static void install(Globals g) {
        install(g, () -> { });
    }

    /**
     * Installs the libraries into {@code g}: {@code bit}, {@code struct}, {@code cmsgpack},
     * {@code cjson}, and Lua 5.1's {@code string.format}, {@code tonumber}, {@code unpack} and
     * table functions ({@link Lua51TableLib}) over LuaJ's.
     *
     * @param interruptCheck run every 64 KiB of output while cjson.encode or cmsgpack.pack
     *     builds a result (library code runs no Lua instructions, so an instruction hook never
     *     sees it); it throws (e.g. a LuaError with SCRIPT KILL's text) to abandon the call
     */
    public static void install(Globals g, Runnable interruptCheck) {
        checkLua51Numbers();
        BaseFunctions.install(g);
        LuaValue string = g.get("string");
        if (string.istable()) {
            ((LuaTable) string).rawset("format", new StringFormat());
        }
        LuaValue table = g.get("table");
        LuaValue math = g.get("math");
        if (table.istable() && math.istable()) {
            Lua51TableLib.install((LuaTable) table, (LuaTable) math);
        }
        g.rawset("bit", BitLib.create());
        g.rawset("struct", StructLib.create());
        g.rawset("cmsgpack", CmsgpackLib.create(interruptCheck));
        g.rawset("cjson", CjsonLib.create(interruptCheck));
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
