package io.vellum.scripting;

import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * A script's return value written as a reply (Redis's {@code luaReplyToRedisReply}): strings
 * are bulk strings, numbers integers (truncated as C truncates), {@code true} 1 (or a RESP3
 * boolean when the script chose RESP3), {@code false} and nil null; tables are, in this order
 * of checks, {@code {err=}}, {@code {ok=}}, {@code {double=}}, {@code {big_number=}},
 * {@code {verbatim_string=}}, {@code {map=}}, {@code {set=}}, else an array up to the first nil.
 * Nesting deeper than Lua's C stack allows ends that branch with "reached lua stack limit".
 */
final class LuaReplies {
    /**
     * How deep Redis gets before lua_checkstack fails (LUAI_MAXCSTACK 8000 slots, one per
     * level, less what the call itself holds).
     */
    static final int MAX_DEPTH = 7995;

    private static final LuaString ERR = LuaString.valueOf("err");
    private static final LuaString OK = LuaString.valueOf("ok");
    private static final LuaString DOUBLE = LuaString.valueOf("double");
    private static final LuaString BIG_NUMBER = LuaString.valueOf("big_number");
    private static final LuaString VERBATIM = LuaString.valueOf("verbatim_string");
    private static final LuaString FORMAT = LuaString.valueOf("format");
    private static final LuaString STRING = LuaString.valueOf("string");
    private static final LuaString MAP = LuaString.valueOf("map");
    private static final LuaString SET = LuaString.valueOf("set");

    private LuaReplies() {
    }

    /** Writes {@code v}; {@code scriptResp} is the protocol the script set with redis.setresp. */
    static void write(io.vellum.core.reply.ReplySink out, LuaValue v, int scriptResp) {
        write(out, v, scriptResp, 0);
    }

    private static void write(io.vellum.core.reply.ReplySink out, LuaValue v, int scriptResp, int depth) {
        if (depth >= MAX_DEPTH) {
            out.error("ERR reached lua stack limit");
            return;
        }
        switch (v.type()) {
            case LuaValue.TSTRING -> out.bulk(bytes(v));
            case LuaValue.TBOOLEAN -> {
                if (scriptResp == 2) {
                    if (v.toboolean()) {
                        out.integer(1);
                    } else {
                        out.nullBulk();
                    }
                } else {
                    out.bool(v.toboolean());
                }
            }
            case LuaValue.TNUMBER -> out.integer(Lua.toLongC(v.todouble()));
            case LuaValue.TTABLE -> writeTable(out, (LuaTable) v, scriptResp, depth);
            default -> out.nullBulk();
        }
    }

    private static byte[] bytes(LuaValue v) {
        return Lua.bytes(v.checkstring());
    }

    /** \r and \n to spaces, as Redis's sdsmapchars does for status and error texts. */
    static String oneLine(String s) {
        return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace('\r', ' ').replace('\n', ' ');
    }

    private static void writeTable(io.vellum.core.reply.ReplySink out, LuaTable t, int scriptResp, int depth) {
        LuaValue f = t.rawget(ERR);
        if (f.type() == LuaValue.TSTRING) {
            out.error(oneLine(Lua.str(f.checkstring())));
            return;
        }
        f = t.rawget(OK);
        if (f.type() == LuaValue.TSTRING) {
            out.simple(oneLine(Lua.str(f.checkstring())));
            return;
        }
        f = t.rawget(DOUBLE);
        if (f.type() == LuaValue.TNUMBER) {
            out.doubleValue(f.todouble());
            return;
        }
        f = t.rawget(BIG_NUMBER);
        if (f.type() == LuaValue.TSTRING) {
            out.bigNumber(oneLine(Lua.str(f.checkstring())));
            return;
        }
        f = t.rawget(VERBATIM);
        if (f.type() == LuaValue.TTABLE) {
            LuaValue format = f.rawget(FORMAT);
            LuaValue str = f.rawget(STRING);
            if (format.type() == LuaValue.TSTRING && str.type() == LuaValue.TSTRING) {
                String fmt = Lua.str(format.checkstring());
                out.verbatim(fmt.length() > 3 ? fmt.substring(0, 3) : fmt, bytes(str));
                return;
            }
        }
        f = t.rawget(MAP);
        if (f.type() == LuaValue.TTABLE) {
            LuaTable m = (LuaTable) f;
            // lua_next's order in Lua 5.1 where it can be rebuilt, so maps come out as Redis's do
            java.util.List<LuaValue> keys = io.vellum.scripting.lib.Lua51TableOrder.keys(m);
            out.map(keys.size());
            for (LuaValue k : keys) {
                write(out, k, scriptResp, depth + 1);
                write(out, m.rawget(k), scriptResp, depth + 1);
            }
            return;
        }
        f = t.rawget(SET);
        if (f.type() == LuaValue.TTABLE) {
            LuaTable m = (LuaTable) f;
            java.util.List<LuaValue> keys = io.vellum.scripting.lib.Lua51TableOrder.keys(m);
            out.set(keys.size());
            for (LuaValue k : keys) {
                write(out, k, scriptResp, depth + 1);
            }
            return;
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) {
            n++;
        }
        out.array(n);
        for (int i = 1; i <= n; i++) {
            write(out, t.rawget(i), scriptResp, depth + 1);
        }
    }
}
