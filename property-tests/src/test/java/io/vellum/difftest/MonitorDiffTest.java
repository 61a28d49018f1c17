package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * MONITOR against a real Redis (after Redis's tests/unit/introspection.tcl): the lines a
 * monitor receives for plain commands, a script's and a function's commands (the script
 * first, its commands under "lua"), MULTI/EXEC (and an aborted EXEC), redacted passwords, the
 * commands it does not show; a monitor's own keyspace commands are refused, and RESET ends
 * monitoring. The time and the client's address in each line differ between servers and are
 * checked by form; the rest of each line is compared.
 */
class MonitorDiffTest extends DifferentialTest {

    /** A monitor line without its time and client address: "[db] args". */
    private static String shape(String line) {
        // +1700000000.123456 [0 127.0.0.1:5555] "set" "foo" "bar"\r\n
        assertTrue(line.matches("\\+\\d+\\.\\d{6} \\[\\d+ (lua|\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+)\\] .*\\\\r\\\\n"), line);
        String db = line.substring(line.indexOf('[') + 1, line.indexOf(' ', line.indexOf('[')));
        String who = line.contains(" lua] ") ? "lua" : "client";
        return "[" + db + " " + who + "] " + line.substring(line.indexOf("] ") + 2);
    }

    @Test
    void commandsScriptsTransactionsAndRedaction() {
        both("FUNCTION", "LOAD", "REPLACE", "#!lua name=montest\n"
                + "redis.register_function('montest', function() return redis.call('set', 'foo', 'bar') end)");
        sameTranscript(port -> {
            List<String> out = new ArrayList<>();
            try (RawClient m = new RawClient("127.0.0.1", port); RawClient r = new RawClient("127.0.0.1", port)) {
                out.add(m.call("MONITOR").text());
                r.call("SET", "foo", "bar baz\n\"q\"");
                r.call("GET", "foo");
                r.call("EVAL", "redis.call('set', KEYS[1], ARGV[1])", "1", "foo", "bar");
                r.call("FCALL", "montest", "0");
                r.call("MULTI");
                r.call("SET", "foo", "bar");
                r.call("EXEC");
                r.call("MULTI");
                r.call("SET", "foo"); // arity: EXEC will abort
                r.call("EXEC");
                r.call("AUTH", "not-real");
                r.call("AUTH", "not-real", "not-a-password");
                r.call("HELLO", "2", "AUTH", "not-real", "not-a-password");
                r.call("SELECT", "3");
                r.call("INCR", "n\u00e9");
                r.call("CONFIG", "SET", "slowlog-max-len", "128"); // admin: not shown
                r.call("PING");
                for (int i = 0; i < 17; i++) {
                    out.add(shape(m.read().text()));
                }
                // the monitor's own commands: keyspace ones are refused, others answer
                out.add(m.call("GET", "foo").text());
                out.add(m.call("PING").text());
                out.add(shape(m.read().text())); // a monitor sees its own commands too
                // MONITOR again is ignored without a reply: the next reply is PING's
                m.send(RawClient.encode(RawClient.argv("MONITOR")));
                out.add(m.call("PING", "after").text());
            }
            return out;
        });
        both("FUNCTION", "DELETE", "montest");
    }

    @Test
    void resetEndsMonitoring() {
        sameTranscript(port -> {
            List<String> out = new ArrayList<>();
            try (RawClient m = new RawClient("127.0.0.1", port); RawClient r = new RawClient("127.0.0.1", port)) {
                out.add(m.call("MONITOR").text());
                out.add(String.valueOf(r.call("CLIENT", "LIST").node().scalarText().contains("flags=O")));
                out.add(m.call("RESET").text());
                out.add(String.valueOf(r.call("CLIENT", "LIST").node().scalarText().contains("flags=O")));
                r.call("SET", "after", "reset");
                out.add(m.call("GET", "after").text()); // a plain client again, and nothing was fed
            }
            return out;
        });
    }

    @Test
    void notAllowedInsideMultiOrScripts() {
        same("MULTI");
        same("MONITOR");
        same("DISCARD");
        same("EVAL", "return redis.pcall('monitor')", "0");
    }
}
