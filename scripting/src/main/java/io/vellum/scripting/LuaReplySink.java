package io.vellum.scripting;

import io.vellum.core.reply.ReplySink;
import io.vellum.core.util.Doubles;
import java.nio.charset.StandardCharsets;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * The reply of a command called from a script, built directly as the Lua value Redis's
 * {@code redisProtocolToLuaType} would make of it (no protocol bytes in between). The shapes
 * follow the script's protocol ({@code redis.setresp}): in RESP2 maps and sets are flat
 * arrays, doubles are strings, booleans integers and nulls false; in RESP3 they become
 * {@code {map=}}, {@code {set=}}, {@code {double=}}, booleans and nil.
 *
 * <p>Error replies become {@code {err="CODE message"}} (luaPushErrorBuff's split of the code),
 * status replies {@code {ok=...}}. One sink per command call; engine thread only.
 */
final class LuaReplySink implements ReplySink {
    private static final LuaValue ERR = LuaValue.valueOf("err");
    private static final LuaValue OK = LuaValue.valueOf("ok");

    private final int resp;
    private LuaValue result = LuaValue.NIL;
    private boolean error;
    private Frame top;

    private static final class Frame {
        final LuaTable table;
        final LuaValue wrapper;
        final int kind; // 0 array, 1 map, 2 set
        int remaining;
        int index = 1;
        LuaValue pendingKey;
        final Frame parent;

        Frame(LuaTable table, LuaValue wrapper, int kind, int remaining, Frame parent) {
            this.table = table;
            this.wrapper = wrapper;
            this.kind = kind;
            this.remaining = remaining;
            this.parent = parent;
        }
    }

    LuaReplySink(int resp) {
        this.resp = resp;
    }

    /** The reply as a Lua value (NIL for RESP3 null). */
    LuaValue result() {
        return result;
    }

    /** True when the (top-level) reply was an error. */
    boolean isError() {
        return error;
    }

    private void add(LuaValue v) {
        if (top == null) {
            result = v;
            return;
        }
        Frame f = top;
        switch (f.kind) {
            case 0 -> f.table.rawset(f.index++, v);
            case 1 -> {
                if (f.pendingKey == null) {
                    f.pendingKey = v;
                    return; // a key alone does not count
                }
                if (!f.pendingKey.isnil()) {
                    f.table.rawset(f.pendingKey, v);
                }
                f.pendingKey = null;
            }
            default -> {
                if (!v.isnil()) {
                    f.table.rawset(v, LuaValue.TRUE);
                }
            }
        }
        f.remaining--;
        while (top != null && top.remaining == 0) {
            Frame done = top;
            top = done.parent;
            add(done.wrapper);
            if (top == null) {
                return;
            }
        }
    }

    private void open(int count, int kind) {
        LuaTable t = new LuaTable();
        LuaValue wrapper = t;
        if (resp == 3 && kind == 1) {
            wrapper = LuaValue.tableOf(new LuaValue[] {LuaValue.valueOf("map"), t});
        } else if (resp == 3 && kind == 2) {
            wrapper = LuaValue.tableOf(new LuaValue[] {LuaValue.valueOf("set"), t});
        } else {
            kind = 0;
        }
        if (count == 0) {
            add(wrapper);
            return;
        }
        top = new Frame(t, wrapper, kind, count, top);
    }

    @Override
    public void simple(String text) {
        LuaTable t = new LuaTable();
        t.rawset(OK, Lua.s(text));
        add(t);
    }

    @Override
    public void error(String text) {
        if (top == null) {
            error = true;
        }
        add(errorTable("-" + text, true));
    }

    /**
     * luaPushErrorBuff: "-CODE msg" keeps its code, "-msg" without a space and plain "msg"
     * get ERR; trailing CR/LF trimmed. With {@code ignoreStats} the table says the error was
     * counted already (a command's own error).
     */
    static LuaTable errorTable(String text, boolean ignoreStats) {
        String code;
        String msg;
        if (text.startsWith("-")) {
            int sp = text.indexOf(' ');
            if (sp < 0) {
                code = "ERR";
                msg = text.substring(1);
            } else {
                code = text.substring(1, sp);
                msg = text.substring(sp + 1);
            }
        } else {
            code = "ERR";
            msg = text;
        }
        int a = 0;
        int b = msg.length();
        while (a < b && (msg.charAt(a) == '\r' || msg.charAt(a) == '\n')) {
            a++;
        }
        while (b > a && (msg.charAt(b - 1) == '\r' || msg.charAt(b - 1) == '\n')) {
            b--;
        }
        LuaTable t = new LuaTable();
        t.rawset(ERR, Lua.s(code + " " + msg.substring(a, b)));
        if (ignoreStats) {
            t.rawset(LuaValue.valueOf("ignore_error_stats_update"), LuaValue.TRUE);
        }
        return t;
    }

    @Override
    public void integer(long value) {
        add(LuaValue.valueOf((double) value));
    }

    @Override
    public void bulk(byte[] value) {
        // a copy: the command may hand over the stored value itself, which a later write changes
        add(Lua.wrap(value.clone()));
    }

    @Override
    public void bulk(byte[] value, int offset, int length) {
        byte[] b = new byte[length];
        System.arraycopy(value, offset, b, 0, length);
        add(Lua.wrap(b));
    }

    @Override
    public void bulk(String value) {
        add(Lua.s(value));
    }

    @Override
    public void nullBulk() {
        add(resp == 3 ? LuaValue.NIL : LuaValue.FALSE);
    }

    @Override
    public void nullArray() {
        add(resp == 3 ? LuaValue.NIL : LuaValue.FALSE);
    }

    @Override
    public void array(int count) {
        open(count, 0);
    }

    @Override
    public void map(int entries) {
        if (resp == 2) {
            open(entries * 2, 0);
        } else {
            open(entries, 1);
        }
    }

    @Override
    public void set(int count) {
        open(count, resp == 2 ? 0 : 2);
    }

    @Override
    public void push(int count) {
        open(count, 0);
    }

    @Override
    public void doubleValue(double value) {
        if (resp == 2) {
            add(Lua.s(Doubles.format(value)));
        } else {
            add(LuaValue.tableOf(new LuaValue[] {LuaValue.valueOf("double"), LuaValue.valueOf(value)}));
        }
    }

    @Override
    public void bool(boolean value) {
        if (resp == 2) {
            add(LuaValue.valueOf(value ? 1 : 0));
        } else {
            add(Lua.bool(value));
        }
    }

    @Override
    public void bigNumber(String digits) {
        if (resp == 2) {
            add(Lua.s(digits));
        } else {
            add(LuaValue.tableOf(new LuaValue[] {LuaValue.valueOf("big_number"), Lua.s(digits)}));
        }
    }

    @Override
    public void verbatim(String format, byte[] value) {
        if (resp == 2) {
            add(LuaValue.valueOf(value));
        } else {
            LuaTable v = LuaValue.tableOf(new LuaValue[] {
                    LuaValue.valueOf("format"), LuaValue.valueOf(format.getBytes(StandardCharsets.ISO_8859_1)),
                    LuaValue.valueOf("string"), LuaValue.valueOf(value)});
            add(LuaValue.tableOf(new LuaValue[] {LuaValue.valueOf("verbatim_string"), v}));
        }
    }

    @Override
    public int protocol() {
        return resp;
    }
}
