package io.vellum.scripting;

import java.lang.reflect.Field;
import org.luaj.vm2.LuaError;
import org.luaj.vm2.LuaString;
import org.luaj.vm2.LuaTable;
import org.luaj.vm2.LuaValue;

/**
 * What Redis's {@code __redis__err__handler} and {@code luaExtractErrorInformation} make of a
 * Lua error: the message (with its error code), and the source and line of the innermost Lua
 * frame. LuaJ puts the position of that frame in the error's {@code fileline}
 * ("@user_script:3"), read here once per error by reflection (LuaJ keeps it protected).
 */
record ErrorInfo(String msg, String source, int line, boolean ignoreStats) {
    private static final Field FILELINE;

    static {
        Field f;
        try {
            f = LuaError.class.getDeclaredField("fileline");
            f.setAccessible(true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            f = null;
        }
        FILELINE = f;
    }

    /** "@user_script:3" of an error, or null when no Lua frame saw it. */
    static String fileline(LuaError e) {
        try {
            return FILELINE == null ? null : (String) FILELINE.get(e);
        } catch (IllegalAccessException ex) {
            return null;
        }
    }

    /**
     * The value Lua code sees for an error (what pcall returns): a ScriptError's value with the
     * 5.1 position prefix when it has one; LuaJ's own errors as "user_script:N: text".
     */
    static LuaValue luaValue(LuaError e) {
        String fl = fileline(e);
        if (e instanceof ScriptError se) {
            LuaValue v = se.value();
            if (se.positioned() && (v.isstring()) && fl != null) {
                return LuaValue.valueOf(position(fl) + v.tojstring());
            }
            return v;
        }
        LuaValue obj = e.getMessageObject();
        if (obj != null && !obj.isstring()) {
            return obj;
        }
        String text = rawMessage(e, fl);
        return LuaValue.valueOf(fl == null ? text : position(fl) + text);
    }

    /**
     * LuaJ's message without the fileline prefix and the traceback it adds; Lua 5.1's text
     * instead when the hook described the failed operation ({@link ErrorSite}) and LuaJ's text
     * is of that kind.
     */
    private static String rawMessage(LuaError e, String fl) {
        String m = e.getMessage();
        if (m == null) {
            return "nil";
        }
        if (fl != null && m.startsWith(fl + " ")) {
            m = m.substring(fl.length() + 1);
        }
        int nl = m.lastIndexOf("\nnull");
        if (nl >= 0 && nl == m.length() - 5) {
            return LuaMessages.to51(m.substring(0, nl));
        }
        int site = m.lastIndexOf("\n" + ErrorSite.MARK);
        if (site < 0) {
            return LuaMessages.to51(m);
        }
        String own = m.substring(0, site);
        String described = m.substring(site + 2);
        int kindEnd = described.indexOf(ErrorSite.KIND_END);
        if (kindEnd > 0 && own.startsWith(described.substring(0, kindEnd))) {
            String text = described.substring(kindEnd + 1);
            if (BadArgument.isCallSite(text)) {
                String rewritten = BadArgument.rewrite(own, text);
                return rewritten != null ? rewritten : LuaMessages.to51(own);
            }
            return text;
        }
        return LuaMessages.to51(own);
    }

    /** "@user_script:3" to Lua 5.1's "user_script:3: ". */
    static String position(String fileline) {
        String s = fileline.startsWith("@") || fileline.startsWith("=") ? fileline.substring(1) : fileline;
        return s + ": ";
    }

    /** The handler and luaExtractErrorInformation applied to a caught error. */
    static ErrorInfo of(LuaError e) {
        LuaValue v = luaValue(e);
        String fl = fileline(e);
        String source = null;
        int line = 0;
        if (fl != null) {
            int colon = fl.lastIndexOf(':');
            source = fl.substring(0, colon);
            try {
                line = Integer.parseInt(fl.substring(colon + 1));
            } catch (NumberFormatException ex) {
                line = 0;
            }
        }
        if (v instanceof LuaTable t) {
            LuaValue err = t.rawget("err");
            String msg = err.isstring() ? err.tojstring() : null;
            boolean ignore = t.rawget("ignore_error_stats_update").toboolean();
            LuaValue src = t.rawget("source");
            LuaValue ln = t.rawget("line");
            if (source == null && src.isstring()) {
                source = src.tojstring();
                line = ln.toint();
            }
            return new ErrorInfo(msg, source, line, ignore);
        }
        return new ErrorInfo("ERR " + tostring(v), source, line, false);
    }

    private static String tostring(LuaValue v) {
        if (v instanceof LuaString s) {
            return Lua.str(s);
        }
        return v.isnil() ? "nil" : v.tojstring();
    }

    /** Redis's final text: "msg script: sha, on @user_script:3." (the position only when known). */
    String reply(String funcName) {
        String m = msg == null ? "ERR unknown error" : msg;
        if (line != 0 && source != null) {
            return m + " script: " + funcName + ", on " + source + ":" + line + ".";
        }
        return m;
    }
}
