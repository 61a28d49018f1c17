package io.vellum.scripting.lib;

import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaTableAccess;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/**
 * Lua 5.1's C API conversions and argument errors ({@code lua_tonumber}, {@code luaL_checknumber},
 * {@code luaL_argerror}...), which the libraries here use so their coercions and error texts are
 * those of Redis's Lua rather than LuaJ's ({@code bad argument #1 to 'band' (number expected, got
 * string)}). Stateless.
 */
public final class Lua51 {
    private Lua51() {}

    /** {@code luaL_argerror}: {@code bad argument #n to 'fname' (msg)}. */
    public static LuaError argError(int arg, String fname, String msg) {
        return new LuaError("bad argument #" + arg + " to '" + fname + "' (" + msg + ")");
    }

    /** {@code luaL_typerror}. */
    public static LuaError typeError(Varargs args, int arg, String fname, String expected) {
        return argError(arg, fname, expected + " expected, got " + typeName(args, arg));
    }

    /** {@code luaL_typename}: "no value" for an argument past the last. */
    public static String typeName(Varargs args, int arg) {
        return arg > args.narg() ? "no value" : args.arg(arg).typename();
    }

    /** {@code lua_tonumber}: a number, or a string Lua 5.1 reads as one; null otherwise. */
    public static Double toNumber(LuaValue v) {
        if (v.type() == LuaValue.TNUMBER) {
            return v.todouble();
        }
        if (v.type() == LuaValue.TSTRING) {
            return str2d(v.checkstring());
        }
        return null;
    }

    /** {@code luaL_checknumber}. */
    public static double checkNumber(Varargs args, int arg, String fname) {
        Double d = toNumber(args.arg(arg));
        if (d == null) {
            throw typeError(args, arg, fname, "number");
        }
        return d;
    }

    /** {@code luaL_optnumber}. */
    public static double optNumber(Varargs args, int arg, String fname, double def) {
        return args.arg(arg).isnil() ? def : checkNumber(args, arg, fname);
    }

    /** {@code luaL_checkinteger}: the double truncated as x86-64 does (out of range gives Long.MIN_VALUE). */
    public static long checkInteger(Varargs args, int arg, String fname) {
        return toCLong(checkNumber(args, arg, fname));
    }

    /** {@code luaL_checkint}: {@link #checkInteger} narrowed to a C int. */
    public static int checkInt(Varargs args, int arg, String fname) {
        return (int) checkInteger(args, arg, fname);
    }

    /** {@code luaL_optint}. */
    public static int optInt(Varargs args, int arg, String fname, int def) {
        return args.arg(arg).isnil() ? def : checkInt(args, arg, fname);
    }

    /** C's {@code (long) d} on x86-64 (cvttsd2si): NaN and out-of-range values give Long.MIN_VALUE. */
    public static long toCLong(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) d;
    }

    /** C's {@code (int) d} on x86-64 (32-bit cvttsd2si): NaN and out-of-range values give INT_MIN. */
    public static int toCInt(double d) {
        if (Double.isNaN(d) || d >= 0x1p31 || d <= -0x1p31 - 1) {
            return Integer.MIN_VALUE;
        }
        return (int) d;
    }

    /** C's {@code (unsigned long) d} as gcc compiles it on x86-64. */
    public static long toCULong(double d) {
        if (d < 0x1p63) {
            return toCLong(d);
        }
        return toCLong(d - 0x1p63) ^ Long.MIN_VALUE;
    }

    /** {@code luaL_checklstring}: a string, or a number converted with {@code %.14g}. */
    public static LuaString checkString(Varargs args, int arg, String fname) {
        LuaValue v = args.arg(arg);
        if (v.type() == LuaValue.TSTRING) {
            return (LuaString) v;
        }
        if (v.type() == LuaValue.TNUMBER) {
            return LuaString.valueOf(CFormat.g14(v.todouble()));
        }
        throw typeError(args, arg, fname, "string");
    }

    /**
     * {@code lua_objlen} of a table: Lua 5.1's {@code luaH_getn} border search over LuaJ's array
     * part, so a table with holes built by a constructor ({@code {1, nil, 3}}) has Lua 5.1's
     * length (3) where LuaJ's own length gives 1.
     */
    public static int objlen(LuaTable t) {
        int j = LuaTableAccess.arrayCapacity(t);
        if (j > 0 && t.rawget(j).isnil()) {
            int i = 0;
            while (j - i > 1) {
                int m = (i + j) >>> 1;
                if (t.rawget(m).isnil()) {
                    j = m;
                } else {
                    i = m;
                }
            }
            return i;
        }
        if (LuaTableAccess.hashCapacity(t) == 0) {
            return j;
        }
        long i = j;
        long k = j + 1L;
        while (!t.rawget((int) k).isnil()) {
            i = k;
            k *= 2;
            if (k > Integer.MAX_VALUE) {
                int n = 1;
                while (!t.rawget(n).isnil()) {
                    n++;
                }
                return n - 1;
            }
        }
        while (k - i > 1) {
            long m = (i + k) / 2;
            if (t.rawget((int) m).isnil()) {
                k = m;
            } else {
                i = m;
            }
        }
        return (int) i;
    }

    /** {@code luaL_checktype(L, n, LUA_TTABLE)}. */
    public static void checkTable(Varargs args, int arg, String fname) {
        if (args.arg(arg).type() != LuaValue.TTABLE) {
            throw typeError(args, arg, fname, "table");
        }
    }

    /**
     * {@code luaO_str2d}: glibc's {@code strtod} (decimal, hex, inf, nan, leading white space)
     * over the string up to its first NUL byte, then only white space may follow.
     */
    public static Double str2d(LuaString s) {
        double plain = plainInteger(s.m_bytes, s.m_offset, s.m_length);
        if (plain == plain) {
            return plain;
        }
        return str2dGeneral(s);
    }

    /**
     * The value of a plain decimal integer (an optional '-' and 1 to 15 digits, nothing else),
     * NaN for anything else. Such a number is exact in a double, so strtod reads the same value;
     * it is what scripts mostly convert (counters, stock, scores read with GET).
     */
    static double plainInteger(byte[] b, int off, int len) {
        int p = off;
        int end = off + len;
        boolean neg = len > 0 && b[p] == '-';
        if (neg) {
            p++;
        }
        int digits = end - p;
        if (digits < 1 || digits > 15) {
            return Double.NaN;
        }
        long v = 0;
        for (; p < end; p++) {
            int d = b[p] - '0';
            if (d < 0 || d > 9) {
                return Double.NaN;
            }
            v = v * 10 + d;
        }
        return neg ? -(double) v : (double) v;
    }

    /** {@link #str2d} without its fast path for plain integers. */
    static Double str2dGeneral(LuaString s) {
        int n = s.length();
        byte[] b = new byte[n];
        s.copyInto(0, b, 0, n);
        int end = 0;
        while (end < n && b[end] != 0) {
            end++;
        }
        int[] stop = new int[1];
        Double d = strtod(b, 0, end, stop);
        if (d == null) {
            return null;
        }
        int p = stop[0];
        while (p < end && isSpace(b[p])) {
            p++;
        }
        return p == end ? d : null;
    }

    static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** glibc {@code strtod} on b[from, to): the value, with stop[0] its end; null if nothing parsed. */
    static Double strtod(byte[] b, int from, int to, int[] stop) {
        int p = from;
        while (p < to && isSpace(b[p])) {
            p++;
        }
        boolean neg = false;
        if (p < to && (b[p] == '+' || b[p] == '-')) {
            neg = b[p] == '-';
            p++;
        }
        Double r = null;
        if (startsWithIgnoreCase(b, p, to, "inf")) {
            stop[0] = startsWithIgnoreCase(b, p, to, "infinity") ? p + 8 : p + 3;
            r = Double.POSITIVE_INFINITY;
        } else if (startsWithIgnoreCase(b, p, to, "nan")) {
            int q = p + 3;
            if (q < to && b[q] == '(') {
                int k = q + 1;
                while (k < to && (Character.isLetterOrDigit(b[k]) || b[k] == '_')) {
                    k++;
                }
                if (k < to && b[k] == ')') {
                    q = k + 1;
                }
            }
            stop[0] = q;
            r = Double.NaN;
        } else if (p + 1 < to && b[p] == '0' && (b[p + 1] == 'x' || b[p + 1] == 'X')
                && hexMantissaAt(b, p + 2, to)) {
            r = parseHex(b, p + 2, to, stop);
        } else {
            r = parseDecimal(b, p, to, stop);
        }
        if (r == null) {
            return null;
        }
        return neg ? -r : r;
    }

    private static boolean startsWithIgnoreCase(byte[] b, int p, int to, String word) {
        if (to - p < word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if (Character.toLowerCase((char) (b[p + i] & 0xff)) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean hexMantissaAt(byte[] b, int p, int to) {
        return (p < to && isHex(b[p])) || (p + 1 < to && b[p] == '.' && isHex(b[p + 1]));
    }

    private static Double parseHex(byte[] b, int p, int to, int[] stop) {
        StringBuilder sb = new StringBuilder("0x");
        while (p < to && isHex(b[p])) {
            sb.append((char) b[p++]);
        }
        if (p < to && b[p] == '.') {
            sb.append('.');
            p++;
            while (p < to && isHex(b[p])) {
                sb.append((char) b[p++]);
            }
        }
        String exp = "p0";
        if (p < to && (b[p] == 'p' || b[p] == 'P')) {
            int q = p + 1;
            StringBuilder e = new StringBuilder("p");
            if (q < to && (b[q] == '+' || b[q] == '-')) {
                e.append((char) b[q++]);
            }
            if (q < to && Character.isDigit(b[q])) {
                while (q < to && Character.isDigit(b[q])) {
                    e.append((char) b[q++]);
                }
                exp = e.toString();
                p = q;
            }
        }
        if (sb.charAt(2) == '.') {
            sb.insert(2, '0');
        }
        stop[0] = p;
        return Double.parseDouble(sb + exp);
    }

    private static Double parseDecimal(byte[] b, int p, int to, int[] stop) {
        int start = p;
        int digits = 0;
        while (p < to && Character.isDigit(b[p])) {
            p++;
            digits++;
        }
        if (p < to && b[p] == '.') {
            p++;
            while (p < to && Character.isDigit(b[p])) {
                p++;
                digits++;
            }
        }
        if (digits == 0) {
            return null;
        }
        if (p < to && (b[p] == 'e' || b[p] == 'E')) {
            int q = p + 1;
            if (q < to && (b[q] == '+' || b[q] == '-')) {
                q++;
            }
            if (q < to && Character.isDigit(b[q])) {
                while (q < to && Character.isDigit(b[q])) {
                    q++;
                }
                p = q;
            }
        }
        stop[0] = p;
        String text = new String(b, start, p - start, java.nio.charset.StandardCharsets.ISO_8859_1);
        if (text.equals(".")) {
            return null;
        }
        return Double.parseDouble(text);
    }
}
