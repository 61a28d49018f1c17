package io.vellum.difftest;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * CLIENT PAUSE and CLIENT UNPAUSE against a real Redis, after Redis's tests/unit/pause.tcl:
 * which commands a WRITE pause holds (writes, may-replicate commands such as PFCOUNT and
 * PUBLISH, scripts that do not declare no-writes, an EXEC with a write queued) and which it
 * lets through (reads, no-writes scripts, EVAL_RO, a read-only transaction, a command refused
 * by its arity); an ALL pause holding everything; the waiting clients counted in
 * blocked_clients and answered in order at UNPAUSE; expiry held during a pause. Each scenario
 * runs on both servers and their transcripts are compared.
 */
class ClientPauseDiffTest extends DifferentialTest {

    @AfterEach
    void unpause() {
        both("CLIENT", "UNPAUSE");
    }

    private static RawClient client(int port) {
        return new RawClient("127.0.0.1", port);
    }

    @Test
    void writePauseHoldsWritesAndLetsReadsThrough() {
        sameTranscript(port -> {
            List<String> out = new ArrayList<>();
            try (RawClient r = client(port); RawClient w = client(port); RawClient p = client(port); RawClient s = client(port)) {
                out.add(r.call("DEL", "pz:foo", "pz:hll").text());
                out.add(r.call("PFADD", "pz:hll", "a").text());
                out.add(r.call("CLIENT", "PAUSE", "60000", "WRITE").text());
                out.add(r.call("GET", "pz:foo").text());
                out.add(r.call("PING").text());
                w.send(RawClient.encode(RawClient.argv("SET", "pz:foo", "bar")));
                p.send(RawClient.encode(RawClient.argv("PFCOUNT", "pz:hll")));
                s.send(RawClient.encode(RawClient.argv("PUBLISH", "pz:ch", "m")));
                out.add(awaitBlockedClients(r, 3));
                out.add(r.call("GET", "pz:foo").text()); // the paused SET has not run
                out.add(r.call("SET", "pz:foo").text()); // an arity error answers at once
                out.add(r.call("CLIENT", "UNPAUSE").text());
                out.add(w.read().text());
                out.add(p.read().text());
                out.add(s.read().text());
                out.add(r.call("GET", "pz:foo").text());
                out.add(awaitBlockedClients(r, 0));
            }
            return out;
        });
    }

    @Test
    void laterCommandsWaitBehindAPausedOne() {
        sameTranscript(port -> {
            List<String> out = new ArrayList<>();
            try (RawClient r = client(port); RawClient w = client(port)) {
                out.add(r.call("DEL", "pz:n").text());
                out.add(r.call("CLIENT", "PAUSE", "60000", "WRITE").text());
                w.send(RawClient.encode(RawClient.argv("INCR", "pz:n")));
                w.send(RawClient.encode(RawClient.argv("GET", "pz:n")));
                w.send(RawClient.encode(RawClient.argv("INCR", "pz:n")));
                out.add(awaitBlockedClients(r, 1));
                out.add(r.call("CLIENT", "UNPAUSE").text());
                out.add(w.read().text());
                out.add(w.read().text());
                out.add(w.read().text());
            }
            return out;
        });
    }

    @Test
    void scriptsAndTransactions() {
        both("FUNCTION", "LOAD", "REPLACE", "#!lua name=pzlib\nredis.register_function{function_name='pzro', "
                + "callback=function() return 'hello' end, flags={'no-writes'}}\n"
                + "redis.register_function('pzrw', function() return 'rw' end)");
        sameTranscript(port -> {
            List<String> out = new ArrayList<>();
            try (RawClient r = client(port); RawClient a = client(port); RawClient b = client(port); RawClient c = client(port);
                 RawClient m = client(port)) {
                out.add(r.call("SET", "pz:x", "y").text());
                out.add(m.call("MULTI").text());
                out.add(m.call("SET", "pz:x", "z").text());
                out.add(r.call("CLIENT", "PAUSE", "60000", "WRITE").text());
                // through: no-writes scripts, EVAL_RO, a no-writes function, a read-only transaction
                out.add(r.call("EVAL", "#!lua flags=no-writes\nreturn 'ro script'", "0").text());
                out.add(r.call("EVAL_RO", "return redis.call('get', KEYS[1])", "1", "pz:x").text());
                out.add(r.call("FCALL", "pzro", "0").text());
                out.add(r.call("MULTI").text());
                out.add(r.call("GET", "pz:x").text());
                out.add(r.call("EXEC").text());
                // held: a script without flags, one with a bare shebang, a function that may write, EXEC with a write
                a.send(RawClient.encode(RawClient.argv("EVAL", "return 1", "0")));
                b.send(RawClient.encode(RawClient.argv("EVAL", "#!lua\nreturn 2", "0")));
                c.send(RawClient.encode(RawClient.argv("FCALL", "pzrw", "0")));
                m.send(RawClient.encode(RawClient.argv("EXEC")));
                out.add(awaitBlockedClients(r, 4));
                out.add(r.call("GET", "pz:x").text());
                out.add(r.call("CLIENT", "UNPAUSE").text());
                out.add(a.read().text());
                out.add(b.read().text());
                out.add(c.read().text());
                out.add(m.read().text());
                out.add(r.call("GET", "pz:x").text());
            }
            return out;
        });
        both("FUNCTION", "DELETE", "pzlib");
    }

    @Test
    void allPauseHoldsEveryCommandAndEnds() {
        sameTranscript(port -> {
            List<String> out = new ArrayList<>();
            try (RawClient r = client(port); RawClient w = client(port)) {
                out.add(r.call("CLIENT", "PAUSE", "300", "ALL").text());
                long t0 = System.nanoTime();
                out.add(w.call("PING").text()); // waits for the pause's end
                out.add(String.valueOf((System.nanoTime() - t0) / 1_000_000 >= 200));
                out.add(w.call("CLIENT", "PAUSE", "300").text()); // ALL by default
                t0 = System.nanoTime();
                out.add(r.call("GET", "pz:nothing").text());
                out.add(String.valueOf((System.nanoTime() - t0) / 1_000_000 >= 200));
            }
            return out;
        });
    }

    @Test
    void expiryWaitsDuringAPause() {
        sameTranscript(port -> {
            List<String> out = new ArrayList<>();
            try (RawClient r = client(port)) {
                out.add(r.call("DEL", "pz:e").text());
                out.add(r.call("MULTI").text());
                out.add(r.call("SET", "pz:e", "v", "PX", "10").text());
                out.add(r.call("CLIENT", "PAUSE", "50000", "WRITE").text());
                out.add(r.call("EXEC").text());
                String before = expired(r);
                sleep(400);
                out.add(r.call("GET", "pz:e").text()); // logically expired
                out.add(String.valueOf(expired(r).equals(before))); // but not deleted while paused
            }
            return out;
        });
    }

    private static String expired(RawClient r) {
        for (String line : r.call("INFO", "stats").node().scalarText().split("\r\n")) {
            if (line.startsWith("expired_keys:")) {
                return line;
            }
        }
        return "";
    }

    @Test
    void errors() {
        same("CLIENT", "PAUSE", "abc");
        same("CLIENT", "PAUSE", "-1");
        same("CLIENT", "PAUSE", "100", "READ");
        same("CLIENT", "PAUSE", "100", "WRITE", "extra");
        same("CLIENT", "PAUSE");
        same("CLIENT", "UNPAUSE", "x");
        same("CLIENT", "PAUSE", "0", "WRITE");
        same("CLIENT", "UNPAUSE");
        same("EVAL", "return redis.call('client', 'pause', '10')", "0");
    }
}
