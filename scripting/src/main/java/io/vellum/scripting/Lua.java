package io.vellum.scripting;

import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaValue;

/**
 * Byte-exact conversions between Lua strings and the store's byte strings. LuaJ's
 * {@code tojstring}/{@code valueOf(String)} go through UTF-8; Redis's values are bytes, and
 * the store's text convention is one char per byte (ISO-8859-1), so everything here does that.
 */
final class Lua {
    private Lua() {
    }

    /** A Lua string of the bytes of {@code latin1} (one char per byte). */
    static LuaString s(String latin1) {
        return LuaString.valueOf(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }

    static LuaString s(byte[] b) {
        return LuaString.valueOf(b);
    }

    /**
     * A Lua string of all of {@code b}, which nobody may change afterwards: no copy, where
     * {@code LuaString.valueOf} copies. (LuaString's private constructor through a MethodHandle
     * would also skip LuaJ's recent-strings cache, but the server's JIT did not inline it: an
     * uninlined allocateInstance took a quarter of EVALSHA's CPU samples at -P 16.)
     */
    static LuaString wrap(byte[] b) {
        return LuaString.valueUsing(b);
    }

    /** The string's bytes as one char per byte. */
    static String str(LuaString s) {
        return new String(s.m_bytes, s.m_offset, s.m_length, StandardCharsets.ISO_8859_1);
    }

    static byte[] bytes(LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }

    /** C's cast of a lua_Number to long long (x86: out of range and NaN give LLONG_MIN). */
    static long toLongC(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** luaL_checkint's conversion: to a 64-bit integer as C does, then truncated to int. */
    static int toIntC(double d) {
        return (int) toLongC(d);
    }

    static LuaValue bool(boolean b) {
        return b ? LuaValue.TRUE : LuaValue.FALSE;
    }
}
