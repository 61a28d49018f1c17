package org.luaj.vm2;

/**
 * Package access to LuaJ's table layout for Vellum's Lua 5.1 emulation ({@code lua_objlen}
 * searches the array part first, as Lua 5.1's {@code luaH_getn} does). Lives in LuaJ's package
 * because the sizes are protected; vellum-scripting bundles LuaJ, so it is the same package.
 */
public final class LuaTableAccess {
    private LuaTableAccess() {}

    /** The capacity of the table's array part. */
    public static int arrayCapacity(LuaTable t) {
        return t.getArrayLength();
    }

    /** The capacity of the table's hash part (0 when it has none). */
    public static int hashCapacity(LuaTable t) {
        return t.getHashLength();
    }
}
