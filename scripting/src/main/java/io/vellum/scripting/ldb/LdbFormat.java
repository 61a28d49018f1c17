package io.vellum.scripting.ldb;

import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;
import org.luaj.vm2.Varargs;

/** The debugger's renderings of Lua values and replies (ldbCatStackValue, ldbRedisProtocolToHuman, sdscatrepr). */
final class LdbFormat {
    /** LDB_MAX_VALUES_DEPTH: LUA_MINSTACK / 2. */
    private static final int MAX_DEPTH = 10;

    private LdbFormat() {
    }

    /** sdscatrepr: a quoted string with C escapes. */
    static void repr(StringBuilder sb, byte[] b) {
        sb.append('"');
        for (byte x : b) {
            int c = x & 0xff;
            switch (c) {
                case '\\', '"' -> sb.append('\\').append((char) c);
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case 7 -> sb.append("\\a");
                case 8 -> sb.append("\\b");
                default -> {
                    if (c >= 32 && c < 127) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        sb.append('"');
    }

    static byte[] bytes(LuaString s) {
        byte[] b = new byte[s.m_length];
        System.arraycopy(s.m_bytes, s.m_offset, b, 0, s.m_length);
        return b;
    }

    /** C's printf("%g"). */
    static String g(double d) {
        if (Double.isNaN(d)) {
            return Double.doubleToRawLongBits(d) < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal r = new BigDecimal(d).round(new MathContext(6));
        int exp = r.precision() - r.scale() - 1;
        if (exp < -4 || exp >= 6) {
            BigDecimal mant = r.movePointLeft(exp).stripTrailingZeros();
            String m = mant.scale() <= 0 ? mant.setScale(0).toPlainString() : mant.toPlainString();
            return m + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        BigDecimal s = r.stripTrailingZeros();
        return s.scale() <= 0 ? s.setScale(0).toPlainString() : s.toPlainString();
    }

    /** ldbCatStackValue. */
    static void value(StringBuilder sb, LuaValue v) {
        value(sb, v, 0);
    }

    private static void value(StringBuilder sb, LuaValue v, int level) {
        if (level == MAX_DEPTH) {
            sb.append("<max recursion level reached! Nested table?>");
            return;
        }
        level++;
        switch (v.type()) {
            case LuaValue.TSTRING -> repr(sb, bytes(v.checkstring()));
            case LuaValue.TBOOLEAN -> sb.append(v.toboolean() ? "true" : "false");
            case LuaValue.TNUMBER -> sb.append(g(v.todouble()));
            case LuaValue.TNIL -> sb.append("nil");
            case LuaValue.TTABLE -> {
                LuaTable t = (LuaTable) v;
                StringBuilder asArray = new StringBuilder();
                StringBuilder asMap = new StringBuilder();
                boolean isArray = true;
                int expected = 1;
                // in lua_next's order, as Lua 5.1 walks its table
                for (LuaValue k : io.vellum.scripting.lib.Lua51TableOrder.keys(t)) {
                    LuaValue item = t.rawget(k);
                    if (isArray && (k.type() != LuaValue.TNUMBER || k.todouble() != expected)) {
                        isArray = false;
                    }
                    value(asArray, item, level);
                    asArray.append("; ");
                    asMap.append('[');
                    value(asMap, k, level);
                    asMap.append("]=");
                    value(asMap, item, level);
                    asMap.append("; ");
                    expected++;
                }
                StringBuilder chosen = isArray ? asArray : asMap;
                if (chosen.length() > 0) {
                    chosen.setLength(chosen.length() - 2);
                }
                sb.append('{').append(chosen).append('}');
            }
            default -> sb.append('"').append(v.typename()).append("@0x")
                    .append(String.format("%012x", System.identityHashCode(v))).append('"');
        }
    }

    /**
     * ldbRedisProtocolToHuman, from the Lua value redis.call produced (luaReplyToRedisReply's
     * inverse): status and error tables as {@code "+OK"}/{@code "-ERR ..."}, false as NULL.
     */
    static void reply(StringBuilder sb, LuaValue v) {
        switch (v.type()) {
            case LuaValue.TNUMBER -> sb.append((long) v.todouble());
            case LuaValue.TSTRING -> repr(sb, bytes(v.checkstring()));
            case LuaValue.TBOOLEAN -> sb.append(v.toboolean() ? "#true" : "NULL");
            case LuaValue.TNIL -> sb.append("(null)");
            case LuaValue.TTABLE -> table(sb, (LuaTable) v);
            default -> sb.append(v.tojstring());
        }
    }

    private static void table(StringBuilder sb, LuaTable t) {
        LuaValue ok = t.rawget("ok");
        LuaValue err = t.rawget("err");
        if (ok.isstring() || err.isstring()) {
            String prefix = ok.isstring() ? "+" : "-";
            byte[] text = bytes((ok.isstring() ? ok : err).checkstring());
            byte[] line = new byte[text.length + (text.length > 0 && text[0] == '-' ? 0 : 1)];
            int off = line.length - text.length;
            if (off == 1) {
                line[0] = (byte) prefix.charAt(0);
            }
            System.arraycopy(text, 0, line, off, text.length);
            repr(sb, line);
            return;
        }
        LuaValue d = t.rawget("double");
        if (d.isnumber()) {
            sb.append("(double) ").append(d.tojstring());
            return;
        }
        LuaValue map = t.rawget("map");
        if (map.istable()) {
            sb.append('{');
            boolean first = true;
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = map.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                reply(sb, k);
                sb.append(" => ");
                reply(sb, n.arg(2));
            }
            sb.append('}');
            return;
        }
        LuaValue set = t.rawget("set");
        boolean isSet = set.istable();
        LuaTable items = isSet ? (LuaTable) set : t;
        sb.append(isSet ? "~(" : "[");
        if (isSet) {
            boolean first = true;
            LuaValue k = LuaValue.NIL;
            while (true) {
                Varargs n = items.next(k);
                if ((k = n.arg1()).isnil()) {
                    break;
                }
                if (!first) {
                    sb.append(',');
                }
                first = false;
                reply(sb, k);
            }
        } else {
            int len = items.length();
            for (int i = 1; i <= len; i++) {
                reply(sb, items.rawget(i));
                if (i != len) {
                    sb.append(',');
                }
            }
        }
        sb.append(isSet ? ")" : "]");
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
