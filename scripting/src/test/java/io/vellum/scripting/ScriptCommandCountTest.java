package io.vellum.scripting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * INFO stats total_commands_processed counts a script's redis.call/pcall commands as well as
 * the EVAL (Redis's call() runs them; redis-server 7.0.15 by hand: an EVAL making two
 * redis.call adds 3, one whose pcall names an unknown command adds 1).
 */
class ScriptCommandCountTest {
    private final TestStore store = new TestStore(Engine.builder().scripting(new LuaScripting()));
    private final TestStore.Client c = store.client();

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aScriptsCommandsAreCounted() {
        long before = total();
        c.call("EVAL", "redis.call('set','x','1') return redis.call('get','x')", "0");
        assertEquals(3, total() - before - 1);
        before = total();
        c.call("EVAL", "return redis.pcall('nosuch')", "0");
        assertEquals(1, total() - before - 1, "the EVAL only: an unknown command does not run");
    }

    private long total() {
        Reply reply = c.call("INFO", "stats");
        byte[] v = reply instanceof Reply.Verbatim t ? t.value() : ((Reply.Bulk) reply).value();
        for (String line : new String(v, StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.startsWith("total_commands_processed:")) {
                return Long.parseLong(line.substring(line.indexOf(':') + 1));
            }
        }
        throw new AssertionError("no total_commands_processed in INFO stats");
    }
}
