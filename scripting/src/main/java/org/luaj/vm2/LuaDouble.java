package org.luaj.vm2;

import io.vellum.scripting.lib.CFormat;
import org.luaj.vm2.lib.MathLib;

/**
 * Vellum's replacement for LuaJ 3.0.1's {@code org.luaj.vm2.LuaDouble}, binary compatible with it
 * (same public members, same arithmetic), differing only in how a number becomes a string:
 * Lua 5.1's {@code "%.14g"} (what Redis's Lua prints: {@code tostring(1/3)} is
 * {@code 0.33333333333333}) instead of LuaJ's {@code Float.toString} ({@code 0.33333334}).
 *
 * <p>Why a replaced class rather than replaced library functions: every number-to-string path in
 * LuaJ ends in {@code tojstring()} here — {@code tostring}, the {@code ..} operator (the
 * interpreter's OP_CONCAT calls {@code LuaNumber.concatTo}, which never consults a metatable),
 * {@code table.concat}, and every string function coercing a number argument
 * ({@code checkstring}). Replacing the library functions cannot reach the {@code ..} operator.
 *
 * <p>How it is the one LuaDouble loaded: module {@code vellum-scripting} unpacks luaj-jse into
 * its own classes, minus this class, and depends on luaj-jse with {@code provided} scope, so its
 * jar is a complete LuaJ and no stock LuaJ jar reaches a downstream classpath (the launcher's
 * {@code lib/*}, whose order is unspecified, or an embedder's). {@code RedisLuaLibraries.install}
 * checks at run time that this class is the one in use and fails loudly otherwise.
 *
 * <p>Lua 5.1 prints {@code -0} for negative zero; LuaJ boxes {@code -0.0} as the integer 0 (see
 * {@link #valueOf}), so it prints {@code 0}: a documented difference.
 */
public class LuaDouble extends LuaNumber {

    /**
     * x86's default NaN (sign bit set), which C's {@code 0/0} produces and glibc prints as
     * {@code -nan}; LuaJ used Java's positive {@code Double.NaN} for {@code 0/0}.
     */
    static final double X86_NAN = Double.longBitsToDouble(0xfff8000000000000L);

    public static final LuaDouble NAN = new LuaDouble(X86_NAN);
    public static final LuaDouble POSINF = new LuaDouble(Double.POSITIVE_INFINITY);
    public static final LuaDouble NEGINF = new LuaDouble(Double.NEGATIVE_INFINITY);
    public static final String JSTR_NAN = "nan";
    public static final String JSTR_POSINF = "inf";
    public static final String JSTR_NEGINF = "-inf";

    final double v;

    /** Integral values that fit an int are boxed as {@link LuaInteger}, as LuaJ does. */
    public static LuaNumber valueOf(double d) {
        int asInt = (int) d;
        if (d == asInt) {
            return LuaInteger.valueOf(asInt);
        }
        return new LuaDouble(d);
    }

    private LuaDouble(double d) {
        this.v = d;
    }

    /** The same hash as LuaJ 3.0.1, so table iteration order is LuaJ's. */
    @Override
    public int hashCode() {
        long bits = Double.doubleToLongBits(v + 1);
        return (int) (bits >> 32) + (int) bits;
    }

    @Override public boolean islong() { return v == (long) v; }
    @Override public byte tobyte() { return (byte) (long) v; }
    @Override public char tochar() { return (char) (long) v; }
    @Override public double todouble() { return v; }
    @Override public float tofloat() { return (float) v; }
    @Override public int toint() { return (int) (long) v; }
    @Override public long tolong() { return (long) v; }
    @Override public short toshort() { return (short) (long) v; }

    @Override public double optdouble(double defval) { return v; }
    @Override public int optint(int defval) { return (int) (long) v; }
    @Override public LuaInteger optinteger(LuaInteger defval) { return LuaInteger.valueOf((int) (long) v); }
    @Override public long optlong(long defval) { return (long) v; }
    @Override public LuaInteger checkinteger() { return LuaInteger.valueOf((int) (long) v); }

    @Override public LuaValue neg() { return valueOf(-v); }

    @Override
    public boolean equals(Object o) {
        return o instanceof LuaDouble && ((LuaDouble) o).v == v;
    }

    @Override public LuaValue eq(LuaValue rhs) { return rhs.raweq(v) ? TRUE : FALSE; }
    @Override public boolean eq_b(LuaValue rhs) { return rhs.raweq(v); }
    @Override public boolean raweq(LuaValue rhs) { return rhs.raweq(v); }
    @Override public boolean raweq(double rhs) { return v == rhs; }
    @Override public boolean raweq(int rhs) { return v == rhs; }

    @Override public LuaValue add(LuaValue rhs) { return rhs.add(v); }
    @Override public LuaValue add(double lhs) { return valueOf(lhs + v); }
    @Override public LuaValue sub(LuaValue rhs) { return rhs.subFrom(v); }
    @Override public LuaValue sub(double rhs) { return valueOf(v - rhs); }
    @Override public LuaValue sub(int rhs) { return valueOf(v - rhs); }
    @Override public LuaValue subFrom(double lhs) { return valueOf(lhs - v); }
    @Override public LuaValue mul(LuaValue rhs) { return rhs.mul(v); }
    @Override public LuaValue mul(double lhs) { return valueOf(lhs * v); }
    @Override public LuaValue mul(int lhs) { return valueOf(lhs * v); }
    @Override public LuaValue pow(LuaValue rhs) { return rhs.powWith(v); }
    @Override public LuaValue pow(double rhs) { return MathLib.dpow(v, rhs); }
    @Override public LuaValue pow(int rhs) { return MathLib.dpow(v, rhs); }
    @Override public LuaValue powWith(double lhs) { return MathLib.dpow(lhs, v); }
    @Override public LuaValue powWith(int lhs) { return MathLib.dpow(lhs, v); }
    @Override public LuaValue div(LuaValue rhs) { return rhs.divInto(v); }
    @Override public LuaValue div(double rhs) { return ddiv(v, rhs); }
    @Override public LuaValue div(int rhs) { return ddiv(v, rhs); }
    @Override public LuaValue divInto(double lhs) { return ddiv(lhs, v); }
    @Override public LuaValue mod(LuaValue rhs) { return rhs.modFrom(v); }
    @Override public LuaValue mod(double rhs) { return dmod(v, rhs); }
    @Override public LuaValue mod(int rhs) { return dmod(v, rhs); }
    @Override public LuaValue modFrom(double lhs) { return dmod(lhs, v); }

    /** Division with LuaJ's values for a zero divisor. */
    public static LuaValue ddiv(double lhs, double rhs) {
        if (rhs != 0) {
            return valueOf(lhs / rhs);
        }
        return lhs > 0 ? POSINF : lhs == 0 ? NAN : NEGINF;
    }

    public static double ddiv_d(double lhs, double rhs) {
        if (rhs != 0) {
            return lhs / rhs;
        }
        return lhs > 0 ? Double.POSITIVE_INFINITY : lhs == 0 ? X86_NAN : Double.NEGATIVE_INFINITY;
    }

    /** Lua's modulo: the result takes the divisor's sign. */
    public static LuaValue dmod(double lhs, double rhs) {
        return rhs != 0 ? valueOf(lhs - rhs * Math.floor(lhs / rhs)) : NAN;
    }

    public static double dmod_d(double lhs, double rhs) {
        return rhs != 0 ? lhs - rhs * Math.floor(lhs / rhs) : X86_NAN;
    }

    @Override public LuaValue lt(LuaValue rhs) { return rhs.gt_b(v) ? TRUE : FALSE; }
    @Override public LuaValue lt(double rhs) { return v < rhs ? TRUE : FALSE; }
    @Override public LuaValue lt(int rhs) { return v < rhs ? TRUE : FALSE; }
    @Override public boolean lt_b(LuaValue rhs) { return rhs.gt_b(v); }
    @Override public boolean lt_b(int rhs) { return v < rhs; }
    @Override public boolean lt_b(double rhs) { return v < rhs; }
    @Override public LuaValue lteq(LuaValue rhs) { return rhs.gteq_b(v) ? TRUE : FALSE; }
    @Override public LuaValue lteq(double rhs) { return v <= rhs ? TRUE : FALSE; }
    @Override public LuaValue lteq(int rhs) { return v <= rhs ? TRUE : FALSE; }
    @Override public boolean lteq_b(LuaValue rhs) { return rhs.gteq_b(v); }
    @Override public boolean lteq_b(int rhs) { return v <= rhs; }
    @Override public boolean lteq_b(double rhs) { return v <= rhs; }
    @Override public LuaValue gt(LuaValue rhs) { return rhs.lt_b(v) ? TRUE : FALSE; }
    @Override public LuaValue gt(double rhs) { return v > rhs ? TRUE : FALSE; }
    @Override public LuaValue gt(int rhs) { return v > rhs ? TRUE : FALSE; }
    @Override public boolean gt_b(LuaValue rhs) { return rhs.lt_b(v); }
    @Override public boolean gt_b(int rhs) { return v > rhs; }
    @Override public boolean gt_b(double rhs) { return v > rhs; }
    @Override public LuaValue gteq(LuaValue rhs) { return rhs.lteq_b(v) ? TRUE : FALSE; }
    @Override public LuaValue gteq(double rhs) { return v >= rhs ? TRUE : FALSE; }
    @Override public LuaValue gteq(int rhs) { return v >= rhs ? TRUE : FALSE; }
    @Override public boolean gteq_b(LuaValue rhs) { return rhs.lteq_b(v); }
    @Override public boolean gteq_b(int rhs) { return v >= rhs; }
    @Override public boolean gteq_b(double rhs) { return v >= rhs; }

    @Override
    public int strcmp(LuaString rhs) {
        typerror("attempt to compare number with string");
        return 0;
    }

    /** Lua 5.1's {@code lua_Number} to string: {@code "%.14g"}. */
    @Override
    public String tojstring() {
        return CFormat.g14(v);
    }

    @Override public LuaString strvalue() { return LuaString.valueOf(tojstring()); }
    @Override public LuaString optstring(LuaString defval) { return LuaString.valueOf(tojstring()); }
    @Override public LuaValue tostring() { return LuaString.valueOf(tojstring()); }
    @Override public String optjstring(String defval) { return tojstring(); }
    @Override public LuaNumber optnumber(LuaNumber defval) { return this; }
    @Override public boolean isnumber() { return true; }
    @Override public boolean isstring() { return true; }
    @Override public LuaValue tonumber() { return this; }
    @Override public int checkint() { return (int) (long) v; }
    @Override public long checklong() { return (long) v; }
    @Override public LuaNumber checknumber() { return this; }
    @Override public double checkdouble() { return v; }
    @Override public String checkjstring() { return tojstring(); }
    @Override public LuaString checkstring() { return LuaString.valueOf(tojstring()); }
    @Override public boolean isvalidkey() { return !Double.isNaN(v); }
}
