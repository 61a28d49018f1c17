package io.vellum.core.commands;

import static io.vellum.core.TestStore.array;
import static io.vellum.core.TestStore.bulk;
import static io.vellum.core.TestStore.error;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.reply.Reply;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * COMMAND GETKEYS/GETKEYSANDFLAGS for the commands whose keys Redis finds with a getkeys_proc
 * (SORT, SORT_RO, MIGRATE, GEORADIUS); the ones with no handler yet are bound here to a stand-in
 * so the table lists them.
 */
class CommandCommandTest {

    private static TestStore store() {
        return new TestStore(Engine.builder().commands(b -> {
            for (String name : List.of("migrate", "georadius", "bitfield")) {
                b.bind(name, ctx -> ctx.reply().ok());
            }
        }));
    }

    private static Reply keyAndFlags(String key, String... flags) {
        Reply[] f = new Reply[flags.length];
        for (int i = 0; i < flags.length; i++) {
            f[i] = new Reply.Simple(flags[i]);
        }
        return array(bulk(key), new Reply.Set(List.of(f)));
    }

    @Test
    void sortKeysAreTheSortedKeyAndTheLastStore() {
        try (TestStore st = store()) {
            TestStore.Client c = st.client(3);
            assertEquals(array(bulk("k")), c.call("COMMAND", "GETKEYS", "SORT", "k", "BY", "store", "GET", "#"));
            assertEquals(array(bulk("k"), bulk("d2")),
                    c.call("COMMAND", "GETKEYS", "SORT", "k", "LIMIT", "0", "1", "STORE", "d1", "STORE", "d2"));
            assertEquals(array(keyAndFlags("k", "RO", "access"), keyAndFlags("d", "OW", "update")),
                    c.call("COMMAND", "GETKEYSANDFLAGS", "SORT", "k", "STORE", "d"));
            assertEquals(array(bulk("k")), c.call("COMMAND", "GETKEYS", "SORT_RO", "k", "STORE", "d"));
            assertEquals(array(bulk("k")), c.call("COMMAND", "GETKEYS", "SORT", "k", "STORE"));
        }
    }

    @Test
    void migrateAndGeoradius() {
        try (TestStore st = store()) {
            TestStore.Client c = st.client(3);
            assertEquals(array(bulk("k")), c.call("COMMAND", "GETKEYS", "MIGRATE", "h", "1", "k", "0", "5"));
            // the key specs still apply (as in Redis): the empty key argument, then the KEYS
            assertEquals(array(bulk(""), bulk("a"), bulk("b")),
                    c.call("COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "5", "AUTH", "p", "KEYS", "a", "b"));
            assertEquals(array(bulk("g"), bulk("dst")),
                    c.call("COMMAND", "GETKEYS", "GEORADIUS", "g", "0", "0", "1", "km", "STORE", "dst"));
            assertEquals(array(bulk("g")), c.call("COMMAND", "GETKEYS", "GEORADIUS", "g", "0", "0", "1", "km", "STORE"));
            assertEquals(array(keyAndFlags("k", "RW", "access", "update")),
                    c.call("COMMAND", "GETKEYSANDFLAGS", "BITFIELD", "k", "INCRBY", "u8", "0", "1"));
        }
    }

    @Test
    void commandWithoutArgumentsIsTheContainersOwnHandler() {
        try (TestStore st = store()) {
            TestStore.Client c = st.client();
            Reply all = c.call("COMMAND");
            assertEquals(((Reply.Array) all).items().size(), ((Reply.Int) c.call("COMMAND", "COUNT")).value());
            assertEquals(error("ERR wrong number of arguments for 'config' command"), c.call("CONFIG"));
        }
    }
}
