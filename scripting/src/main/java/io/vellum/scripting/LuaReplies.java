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
        // Redis recurses in C per nested table (bounded by Lua's C stack); here the open tables
        // are kept on a heap stack, so how deep a reply gets never depends on the Java stack of
        // the thread running the script.
        Level level = write(out, v, scriptResp, 0, null);
        while (level != null) {
            LuaValue next = level.next();
            level = next == null ? level.parent : write(out, next, scriptResp, level.depth + 1, level);
        }
    }

    /** A map, set or array whose header is written and whose elements are not all yet. */
    private static final class Level {
        final Level parent;
        final int depth;
        final LuaTable table;
        /** The keys of a map or set; null for an array. */
        final java.util.List<LuaValue> keys;
        final boolean map;
        /** An array's length. */
        final int len;
        int next;
        /** A map's key written, its value not yet. */
        LuaValue pendingKey;

        Level(Level parent, int depth, LuaTable table, java.util.List<LuaValue> keys, boolean map, int len) {
            this.parent = parent;
            this.depth = depth;
            this.table = table;
            this.keys = keys;
            this.map = map;
            this.len = len;
        }

        /** The next element to write, null when all are written. */
        LuaValue next() {
            if (keys == null) {
                return next < len ? table.rawget(++next) : null;
            }
            if (pendingKey != null) {
                LuaValue v = table.rawget(pendingKey);
                pendingKey = null;
                return v;
            }
            if (next == keys.size()) {
                return null;
            }
            LuaValue k = keys.get(next++);
            if (map) {
                pendingKey = k;
            }
            return k;
        }
    }

    /**
     * Writes {@code v}, or for a map, set or array with elements its header; returns the level
     * whose elements come next: {@code v}'s own, else {@code parent}.
     */
    private static Level write(io.vellum.core.reply.ReplySink out, LuaValue v, int scriptResp, int depth, Level parent) {
        if (depth >= MAX_DEPTH) {
            out.error("ERR reached lua stack limit");
            return parent;
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
            case LuaValue.TTABLE -> {
                Level level = writeTable(out, (LuaTable) v, depth, parent);
                return level != null ? level : parent;
            }
            default -> out.nullBulk();
        }
        return parent;
    }

    private static byte[] bytes(LuaValue v) {
        return Lua.bytes(v.checkstring());
    }

    /** \r and \n to spaces, as Redis's sdsmapchars does for status and error texts. */
    static String oneLine(String s) {
        return s.indexOf('\r') < 0 && s.indexOf('\n') < 0 ? s : s.replace('\r', ' ').replace('\n', ' ');
    }

    /** Writes a table's reply, or the header of its map, set or array and returns its level. */
    private static Level writeTable(io.vellum.core.reply.ReplySink out, LuaTable t, int depth, Level parent) {
        LuaValue f = t.rawget(ERR);
        if (f.type() == LuaValue.TSTRING) {
            out.error(oneLine(Lua.str(f.checkstring())));
            return null;
        }
        f = t.rawget(OK);
        if (f.type() == LuaValue.TSTRING) {
            out.simple(oneLine(Lua.str(f.checkstring())));
            return null;
        }
        f = t.rawget(DOUBLE);
        if (f.type() == LuaValue.TNUMBER) {
            out.doubleValue(f.todouble());
            return null;
        }
        f = t.rawget(BIG_NUMBER);
        if (f.type() == LuaValue.TSTRING) {
            out.bigNumber(oneLine(Lua.str(f.checkstring())));
            return null;
        }
        f = t.rawget(VERBATIM);
        if (f.type() == LuaValue.TTABLE) {
            LuaValue format = f.rawget(FORMAT);
            LuaValue str = f.rawget(STRING);
            if (format.type() == LuaValue.TSTRING && str.type() == LuaValue.TSTRING) {
                String fmt = Lua.str(format.checkstring());
                out.verbatim(fmt.length() > 3 ? fmt.substring(0, 3) : fmt, bytes(str));
                return null;
            }
        }
        f = t.rawget(MAP);
        if (f.type() == LuaValue.TTABLE) {
            LuaTable m = (LuaTable) f;
            // lua_next's order in Lua 5.1 where it can be rebuilt, so maps come out as Redis's do
            java.util.List<LuaValue> keys = io.vellum.scripting.lib.Lua51TableOrder.keys(m);
            out.map(keys.size());
            return keys.isEmpty() ? null : new Level(parent, depth, m, keys, true, 0);
        }
        f = t.rawget(SET);
        if (f.type() == LuaValue.TTABLE) {
            LuaTable m = (LuaTable) f;
            java.util.List<LuaValue> keys = io.vellum.scripting.lib.Lua51TableOrder.keys(m);
            out.set(keys.size());
            return keys.isEmpty() ? null : new Level(parent, depth, m, keys, false, 0);
        }
        int n = 0;
        while (!t.rawget(n + 1).isnil()) {
            n++;
        }
        out.array(n);
        return n == 0 ? null : new Level(parent, depth, t, null, false, n);
    }
}
