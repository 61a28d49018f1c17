package io.vellum.scripting;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.luaj.vm2.LuaValue;

/**
 * The EVAL script cache: SHA1 (lower-case hex) to the body, its compiled function (compiled
 * once, never per call) and its shebang flags. Also remembers which bodies reached the log,
 * so a writing EVALSHA of a script the log never saw is logged as EVAL with its body.
 * Engine thread only.
 */
final class ScriptCache {
    record Script(String sha, byte[] body, LuaValue function, int flags) {
    }

    private final Map<String, Script> scripts = new LinkedHashMap<>();
    private final Set<String> logged = new HashSet<>();

    Script get(String sha) {
        return scripts.get(sha);
    }

    void put(Script s) {
        scripts.put(s.sha(), s);
    }

    boolean contains(String sha) {
        return scripts.containsKey(sha);
    }

    int size() {
        return scripts.size();
    }

    long bodyBytes() {
        long n = 0;
        for (Script s : scripts.values()) {
            n += s.body().length;
        }
        return n;
    }

    void clear() {
        scripts.clear();
        logged.clear();
    }

    boolean isLogged(String sha) {
        return logged.contains(sha);
    }

    void markLogged(String sha) {
        logged.add(sha);
    }

    Iterable<Script> all() {
        return scripts.values();
    }
}
