package io.vellum.scripting;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.luaj.vm2.LuaValue;

/** The last-hit memo of {@link ScriptCache#get(byte[])} answers as the map does: any case, forgotten on flush. */
class ScriptCacheTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void lookupsByShaBytesAgreeWithTheMapAcrossCaseFlushAndReload() {
        ScriptCache cache = new ScriptCache();
        String sha1 = RedisApi.sha1hex(b("return 1"));
        String sha2 = RedisApi.sha1hex(b("return 2"));
        ScriptCache.Script s1 = new ScriptCache.Script(sha1, b("return 1"), LuaValue.NIL, 0);
        ScriptCache.Script s2 = new ScriptCache.Script(sha2, b("return 2"), LuaValue.NIL, 0);
        assertNull(cache.get(b(sha1)));
        cache.put(s1);
        byte[] arg = b(sha1);
        assertSame(s1, cache.get(arg));
        assertSame(s1, cache.get(arg)); // the memo
        assertSame(s1, cache.get(b(sha1.toUpperCase(Locale.ROOT))));
        assertNull(cache.get(b(sha2)));
        cache.put(s2);
        assertSame(s2, cache.get(b(sha2)));
        assertSame(s1, cache.get(b(sha1)));
        // the caller's array changed after the call (Vellum.execute forbids it): the memo kept its own copy
        arg[0] = (byte) (arg[0] == 'a' ? 'b' : 'a');
        assertNull(cache.get(arg));
        cache.clear();
        assertNull(cache.get(b(sha1)));
        assertNull(cache.get(b(sha2)));
        cache.put(s1);
        assertSame(s1, cache.get(b(sha1)));
    }
}
