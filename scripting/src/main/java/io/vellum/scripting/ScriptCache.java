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
    /** The script {@link #get(byte[])} found last, and the argument bytes that named it. */
    private Script last;
    private byte[] lastSha;

    Script get(String sha) {
        return scripts.get(sha);
    }

    /**
     * The script whose SHA1 is {@code sha} (40 hex digits, any case), or null. The last one
     * found is remembered with the bytes that named it: a client calling one script over and
     * over (the usual EVALSHA workload) costs a 40-byte compare, not a string and a hash lookup.
     */
    Script get(byte[] sha) {
        Script s = last;
        if (s != null && java.util.Arrays.equals(sha, lastSha)) {
            return s;
        }
        s = scripts.get(io.vellum.core.util.Text.latin1(sha).toLowerCase(java.util.Locale.ROOT));
        if (s != null) {
            last = s;
            lastSha = sha.clone();
        }
        return s;
    }

    void put(Script s) {
        scripts.put(s.sha(), s);
        last = null;
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
        last = null;
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
