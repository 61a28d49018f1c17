package io.vellum.scripting.lib;

import org.luaj.vm2.Globals;

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
        // Libraries are added here as they are finished.
    }
}
