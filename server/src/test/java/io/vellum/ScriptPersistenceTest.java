package io.vellum;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts and function libraries survive a restart through the log (DESIGN.md, "The log"):
 * SCRIPT LOAD and FUNCTION LOAD are logged, a writing EVALSHA of a body the log never saw is
 * logged as EVAL, and Lua's generator state is restored from the records so a store that
 * restarted draws the numbers one that kept running draws.
 */
class ScriptPersistenceTest {
    private static final String INCR = "return redis.call('incrby', KEYS[1], ARGV[1])";
    private static final String LIB = "#!lua name=lib\nredis.register_function('bump', function(k, a) return redis.call('incr', k[1]) end)";
    private static final String DRAW = "return redis.call('rpush', KEYS[1], math.random(1000000))";

    private static String text(Reply r) {
        return r instanceof Reply.Bulk b ? new String(b.value(), StandardCharsets.ISO_8859_1) : r.toString();
    }

    @Test
    void evalshaAndFcallWorkAfterReopen(@TempDir Path dir) {
        String sha;
        try (Vellum v = Vellum.open(dir)) {
            sha = text(v.execute("SCRIPT", "LOAD", "return 'loaded'"));
            v.execute("FUNCTION", "LOAD", LIB);
            v.execute("FCALL", "bump", "1", "f");
        }
        try (Vellum v = Vellum.open(dir)) {
            assertEquals("loaded", text(v.execute("EVALSHA", sha, "0")));
            assertEquals(new Reply.Int(2), v.execute("FCALL", "bump", "1", "f"));
        }
    }

    @Test
    void writingEvalshaOfAnUnloggedBodyIsLoggedAsEval(@TempDir Path dir) {
        try (Vellum v = Vellum.open(dir)) {
            // A read-only EVAL caches the body but logs nothing.
            v.execute("EVAL", INCR, "0", "x");
            assertEquals(new Reply.Int(5), v.execute("EVALSHA", io.vellum.scripting.Sha1.hex(INCR), "1", "k", "5"));
        }
        try (Vellum v = Vellum.open(dir)) {
            assertEquals("5", text(v.execute("GET", "k")));
            assertEquals(new Reply.Int(8), v.execute("EVALSHA", io.vellum.scripting.Sha1.hex(INCR), "1", "k", "3"));
        }
    }

    @Test
    void flushedScriptsStayFlushed(@TempDir Path dir) {
        String sha;
        try (Vellum v = Vellum.open(dir)) {
            sha = text(v.execute("SCRIPT", "LOAD", "return 1"));
            v.execute("SCRIPT", "FLUSH");
            v.execute("FUNCTION", "LOAD", LIB);
            v.execute("FUNCTION", "DELETE", "lib");
        }
        try (Vellum v = Vellum.open(dir)) {
            assertEquals(new Reply.Error("NOSCRIPT No matching script. Please use EVAL."), v.execute("EVALSHA", sha, "0"));
            assertEquals(new Reply.Error("ERR Function not found"), v.execute("FCALL", "bump", "1", "f"));
        }
    }

    @Test
    void luaRandomContinuesAcrossRestarts(@TempDir Path a, @TempDir Path b) {
        try (Vellum v = Vellum.open(a)) {
            for (int i = 0; i < 4; i++) {
                v.execute("EVAL", DRAW, "1", "l");
            }
        }
        try (Vellum v = Vellum.open(b)) {
            v.execute("EVAL", DRAW, "1", "l");
            v.execute("EVAL", DRAW, "1", "l");
        }
        try (Vellum v = Vellum.open(b)) {
            v.execute("EVAL", DRAW, "1", "l");
            v.execute("EVAL", DRAW, "1", "l");
        }
        try (Vellum va = Vellum.open(a); Vellum vb = Vellum.open(b)) {
            assertEquals(va.execute("LRANGE", "l", "0", "-1"), vb.execute("LRANGE", "l", "0", "-1"));
        }
    }
}
