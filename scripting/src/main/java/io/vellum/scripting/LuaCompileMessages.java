package io.vellum.scripting;

/**
 * LuaJ's compiler messages in Lua 5.1's words where they differ only in wording: LuaJ prints
 * the end of the chunk as "unexpected symbol 286 (...)" where 5.1 says "near '<eof>'".
 */
final class LuaCompileMessages {
    private LuaCompileMessages() {
    }

    static String to51(String m) {
        int i = m.indexOf("unexpected symbol 28");
        if (i >= 0 && m.indexOf(" (", i) > 0) {
            return m.substring(0, i) + "unexpected symbol near '<eof>'";
        }
        return m;
    }
}
