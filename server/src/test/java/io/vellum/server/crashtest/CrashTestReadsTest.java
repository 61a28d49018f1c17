package io.vellum.server.crashtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vellum.Vellum;
import io.vellum.server.RespServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The crash test reads a restarted server's client keys in one pipeline: it reads what is there. */
class CrashTestReadsTest {
    @TempDir
    Path dir;

    @Test
    void thePipelinedReadsGiveEachClientsKeysAsTheyAre() throws Exception {
        try (Vellum v = Vellum.builder().dir(dir).open(); RespServer s = v.serve(0); RespClient c = new RespClient(s.port(), 10_000)) {
            // client 1 (database 1): some strings, the counter, the list, the hash
            c.call("SELECT", "1");
            c.call("SET", "ct:1:k0", "a");
            c.call("SET", "ct:1:k19", "z", "PX", "3600000");
            c.call("INCR", "ct:1:n");
            c.call("INCR", "ct:1:n");
            c.call("RPUSH", "ct:1:log", "t:1:0", "t:1:1");
            c.call("HSET", "ct:1:h", "f1", "x", "f0", "y");
            // client 2 (database 0): nothing yet, but a neighbour's key in its database
            c.call("SELECT", "0");
            c.call("SET", "ct:3:k2", "other");

            ClientState one = new ClientState();
            one.strings.put("ct:1:k0", "a");
            one.strings.put("ct:1:k19", "z");
            one.counter = 2;
            one.log.addAll(List.of("t:1:0", "t:1:1"));
            one.hash.put("f1", "x");
            one.hash.put("f0", "y");

            List<String[]> reads = new ArrayList<>();
            reads.add(new String[] {"SELECT", "1"});
            reads.addAll(ClientState.readCommands("ct:1:"));
            reads.add(new String[] {"SELECT", "0"});
            reads.addAll(ClientState.readCommands("ct:2:"));
            List<Object> replies = c.pipeline(reads);
            int n = ClientState.readCommands("ct:1:").size();
            assertEquals(2 + 2 * n, replies.size());
            ClientState read1 = ClientState.fromReplies("ct:1:", replies.subList(1, 1 + n));
            assertEquals(one, read1);
            assertEquals(List.of("f1", "f0"), new ArrayList<>(read1.hash.keySet()), "the hash in its order");
            assertEquals(new ClientState(), ClientState.fromReplies("ct:2:", replies.subList(2 + n, 2 + 2 * n)));
        }
    }

    @Test
    void aKeyOfTheWrongTypeFailsTheRead() throws Exception {
        try (Vellum v = Vellum.builder().dir(dir).open(); RespServer s = v.serve(0); RespClient c = new RespClient(s.port(), 10_000)) {
            c.call("SET", "ct:0:log", "not a list");
            List<Object> replies = c.pipeline(ClientState.readCommands("ct:0:"));
            assertThrows(IOException.class, () -> ClientState.fromReplies("ct:0:", replies));
        }
    }
}
