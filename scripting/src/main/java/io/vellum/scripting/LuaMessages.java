package io.vellum.scripting;

/**
 * LuaJ's run-time error texts rewritten as Lua 5.1 writes them where the difference is only in
 * wording ("attempt to get length of nil" is 5.1's "attempt to get length of a nil value").
 * The texts that name the value in 5.1 ("local 't'") are rebuilt from where the error happened,
 * by {@link ErrorSite}; this is what is left when that is not known.
 */
final class LuaMessages {
    private LuaMessages() {
    }

    static String to51(String m) {
        if (m.startsWith("attempt to perform arithmetic ")) {
            // LuaJ: "attempt to perform arithmetic __add on number and table"
            int on = m.indexOf(" on ");
            if (on > 0 && m.indexOf(" and ", on) > 0) {
                String a = m.substring(on + 4, m.indexOf(" and ", on));
                String b = m.substring(m.indexOf(" and ", on) + 5);
                String bad = !a.equals("number") ? a : b;
                return "attempt to perform arithmetic on a " + bad + " value";
            }
        }
        if (m.startsWith("attempt to perform arithmetic on ") && !m.endsWith(" value")) {
            return "attempt to perform arithmetic on a " + m.substring("attempt to perform arithmetic on ".length()) + " value";
        }
        if (m.startsWith("attempt to get length of ") && !m.endsWith(" value")) {
            return "attempt to get length of a " + m.substring("attempt to get length of ".length()) + " value";
        }
        if (m.startsWith("attempt to concatenate ")) {
            return m;
        }
        if (m.startsWith("attempt to call ") && !m.endsWith(" value") && m.indexOf(' ', "attempt to call ".length()) < 0) {
            return "attempt to call a " + m.substring("attempt to call ".length()) + " value";
        }
        return m;
    }
}
