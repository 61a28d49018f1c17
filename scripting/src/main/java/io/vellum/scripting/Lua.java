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

    /** LuaString's private constructor: one hash, no copy, no recent-strings cache. */
    private static final java.lang.invoke.MethodHandle NEW_STRING;

    static {
        try {
            NEW_STRING = java.lang.invoke.MethodHandles.privateLookupIn(LuaString.class, java.lang.invoke.MethodHandles.lookup())
                    .findConstructor(LuaString.class, java.lang.invoke.MethodType.methodType(void.class, byte[].class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * A Lua string of all of {@code b}, which nobody may change afterwards. Per script call
     * (KEYS, ARGV, command replies) this saves what {@code LuaString.valueOf} does on top: a copy,
     * a second hash and a probe of LuaJ's recent-strings cache (shared by every Lua state, whose
     * entry is seldom the one wanted with many distinct keys). Equal strings made apart stay equal
     * (LuaString compares bytes), as with that cache's misses.
     */
    static LuaString wrap(byte[] b) {
        try {
            return (LuaString) NEW_STRING.invokeExact(b, 0, b.length);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
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
