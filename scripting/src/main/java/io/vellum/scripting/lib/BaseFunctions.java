package io.vellum.scripting.lib;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;
import org.luaj.vm2.lib.VarArgFunction;

/**
 * Lua 5.1's {@code tonumber} and {@code unpack}, replacing LuaJ's 5.2 versions.
 *
 * <p>{@code unpack} is bounded as Lua 5.1 bounds it: its count is computed in C {@code int}s
 * (so {@code unpack({}, 1, 2^31)} wraps to an empty range, as in Redis) and more results than
 * Lua 5.1's C stack allows ({@code LUAI_MAXCSTACK}, 8000 slots) raise
 * {@code too many results to unpack} instead of allocating billions of values.
 */
final class BaseFunctions {
    /** Lua 5.1's LUAI_MAXCSTACK: the most stack slots a C function may ask for. */
    static final int MAX_C_STACK = 8000;

    private BaseFunctions() {}

    static void install(LuaTable g) {
        g.rawset("tonumber", new ToNumber());
        g.rawset("unpack", new Unpack());
    }

    /* tonumber(e [, base]) */
    static final class ToNumber extends VarArgFunction {
        ToNumber() {
            name = "tonumber";
        }

        @Override
        public Varargs invoke(Varargs args) {
            int base = Lua51.optInt(args, 2, "tonumber", 10);
            if (base == 10) {
                if (args.narg() < 1) {
                    throw Lua51.argError(1, "tonumber", "value expected");
                }
                Double d = Lua51.toNumber(args.arg1());
                return d == null ? NIL : valueOf(d);
            }
            byte[] s = Lua51.checkString(args, 1, "tonumber").tojstring().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            if (base < 2 || base > 36) {
                throw Lua51.argError(2, "tonumber", "base out of range");
            }
            int end = 0;
            while (end < s.length && s[end] != 0) {
                end++;
            }
            int[] stop = new int[1];
            Double n = strtoul(s, end, base, stop);
            if (n == null) {
                return NIL;
            }
            int p = stop[0];
            while (p < end && Lua51.isSpace(s[p])) {
                p++;
            }
            return p == end ? valueOf(n) : NIL;
        }

        /** glibc strtoul: white space, sign (negation modulo 2^64), 0x prefix for base 16, saturating. */
        private static Double strtoul(byte[] s, int end, int base, int[] stop) {
            int p = 0;
            while (p < end && Lua51.isSpace(s[p])) {
                p++;
            }
            boolean neg = false;
            if (p < end && (s[p] == '+' || s[p] == '-')) {
                neg = s[p] == '-';
                p++;
            }
            if (base == 16 && p + 2 < end + 1 && p + 1 < end && s[p] == '0' && (s[p + 1] == 'x' || s[p + 1] == 'X')
                    && p + 2 < end && digit(s[p + 2]) >= 0 && digit(s[p + 2]) < 16) {
                p += 2;
            }
            int start = p;
            long value = 0;
            boolean overflow = false;
            while (p < end) {
                int d = digit(s[p]);
                if (d < 0 || d >= base) {
                    break;
                }
                long next = value * base + d;
                if (Long.compareUnsigned(value, Long.divideUnsigned(-1L - d, base)) > 0) {
                    overflow = true;
                }
                value = next;
                p++;
            }
            if (p == start) {
                return null;
            }
            stop[0] = p;
            if (overflow) {
                value = -1L;
            } else if (neg) {
                value = -value;
            }
            return unsignedToDouble(value);
        }

        private static int digit(int c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'z') {
                return c - 'a' + 10;
            }
            if (c >= 'A' && c <= 'Z') {
                return c - 'A' + 10;
            }
            return -1;
        }
    }

    static double unsignedToDouble(long v) {
        if (v >= 0) {
            return v;
        }
        // round to nearest as C's (double) of an unsigned long does
        return new java.math.BigDecimal(Long.toUnsignedString(v)).doubleValue();
    }

    /* unpack(list [, i [, j]]) */
    static final class Unpack extends VarArgFunction {
        Unpack() {
            name = "unpack";
        }

        @Override
        public Varargs invoke(Varargs args) {
            Lua51.checkTable(args, 1, "unpack");
            LuaTable t = (LuaTable) args.arg1();
            int i = Lua51.optInt(args, 2, "unpack", 1);
            int e = args.arg(3).isnil() ? Lua51.objlen(t) : Lua51.checkInt(args, 3, "unpack");
            if (i > e) {
                return NONE;
            }
            int n = e - i + 1;
            if (n <= 0 || n > MAX_C_STACK - args.narg()) {
                throw new LuaError("too many results to unpack");
            }
            LuaValue[] out = new LuaValue[n];
            for (int k = 0; k < n; k++) {
                out[k] = t.rawget(i + k);
            }
            return varargsOf(out);
        }
    }
}
