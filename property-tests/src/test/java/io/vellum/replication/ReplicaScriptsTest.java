package io.vellum.replication;

import static io.vellum.replication.ReplicaTestSupport.awaitCaughtUp;
import static io.vellum.replication.ReplicaTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.Vellum;
import io.vellum.server.RespServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts on a replica: what the primary loaded (SCRIPT LOAD, FUNCTION LOAD) is there, read-only
 * scripts run, writable ones are refused with Redis's texts (checked against redis-server 7.0
 * as a replica, and Redis 7.2's script.c / eval.c / server.c: a script whose flags allow writes
 * makes EVAL and FCALL write commands, which processCommand refuses on a read-only replica with
 * shared.roslaveerr; a flagless EVAL runs, and its write fails inside with the same text through
 * the script error path). After promotion the scripts run and write.
 */
class ReplicaScriptsTest {
    static final String READONLY = "-READONLY You can't write against a read only replica.";
    static final String GET = "return redis.call('GET', KEYS[1])";
    static final String SET = "return redis.call('SET', KEYS[1], 'x')";
    static final String LIB = "#!lua name=lib\n"
            + "redis.register_function('w', function(keys, args) return redis.call('SET', keys[1], 'x') end)\n"
            + "redis.register_function{function_name='r', callback=function(keys, args)"
            + " return redis.call('GET', keys[1]) end, flags={'no-writes'}}";

    @TempDir
    Path tmp;

    @Test
    void replicasRunReadOnlyScriptsAndRefuseWritableOnesAsRedisDoes() {
        Vellum primary = Vellum.open(tmp.resolve("p"));
        RespServer ps = primary.serve(0);
        Vellum replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
        try {
            primary.execute("SET", "k", "v");
            String getSha = text(primary.execute("SCRIPT", "LOAD", GET));
            String setSha = text(primary.execute("SCRIPT", "LOAD", SET));
            assertEquals("lib", text(primary.execute("FUNCTION", "LOAD", LIB)));
            awaitCaughtUp(primary, replica, 10_000);

            // what the primary loaded is on the replica
            assertEquals("v", text(replica.execute("EVALSHA", getSha, "1", "k")));
            assertEquals("v", text(replica.execute("EVALSHA_RO", getSha, "1", "k")));
            assertEquals("v", text(replica.execute("EVAL_RO", GET, "1", "k")));
            assertEquals("v", text(replica.execute("EVAL", "#!lua flags=no-writes\n" + GET, "1", "k")));
            assertEquals("v", text(replica.execute("FCALL", "r", "1", "k")));
            assertEquals("v", text(replica.execute("FCALL_RO", "r", "1", "k")));
            assertEquals("v", text(replica.execute("EVAL", GET, "1", "k")), "a flagless script that only reads runs");

            // writable scripts are refused
            assertEquals(READONLY + " script: " + setSha + ", on @user_script:1.", text(replica.execute("EVAL", SET, "1", "k")));
            assertEquals(READONLY + " script: " + setSha + ", on @user_script:1.",
                    text(replica.execute("EVALSHA", setSha, "1", "k")));
            assertEquals(READONLY, text(replica.execute("EVAL", "#!lua\n" + GET, "1", "k")),
                    "a shebang script without no-writes may write: refused before it runs");
            assertEquals(READONLY, text(replica.execute("FCALL", "w", "1", "k")));
            assertEquals(READONLY, text(replica.execute("FCALL_RO", "w", "1", "k")));
            assertEquals("-ERR Write commands are not allowed from read-only scripts. script: " + setSha
                    + ", on @user_script:1.", text(replica.execute("EVAL_RO", SET, "1", "k")));
            assertEquals("v", text(replica.execute("GET", "k")));

            // after promotion the same scripts run, and write
            replica.execute("REPLICAOF", "NO", "ONE");
            assertEquals("OK", text(replica.execute("EVALSHA", setSha, "1", "k")));
            assertEquals("x", text(replica.execute("EVALSHA", getSha, "1", "k")));
            assertEquals("OK", text(replica.execute("FCALL", "w", "1", "k2")));
            assertEquals("x", text(replica.execute("FCALL_RO", "r", "1", "k2")));
        } finally {
            replica.close();
            primary.close();
        }
    }
}
