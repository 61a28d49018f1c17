package io.vellum.server.crashtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crash test's per-client check after a restart: what it catches, and that a round costs
 * the units of that round, not the run's whole history.
 */
class CrashTestClientCheckTest {
    private final LoadClient client = new LoadClient(3, 1);
    /** The client's units in the log, as the log check collects them. */
    private final List<Long> inLog = new ArrayList<>();

    /** Sends n units, each acknowledged (a counter increment), and logs those not in {@code unlogged}. */
    private void sendAcknowledged(int n, long... unlogged) {
        for (int i = 0; i < n; i++) {
            long seq = client.nextSeq++;
            Workload.Unit u = unit(seq);
            u.effect().accept(client.acked);
            client.ackedUnits++;
            client.ackTimes.put(seq, System.nanoTime());
            if (java.util.Arrays.stream(unlogged).noneMatch(x -> x == seq)) {
                inLog.add(seq);
            }
        }
    }

    /** Sends one more unit whose reply never comes (the server is killed). */
    private Workload.Unit sendInFlight(boolean logged) {
        long seq = client.nextSeq++;
        Workload.Unit u = unit(seq);
        client.inFlight = u;
        client.inFlightSeq = seq;
        if (logged) {
            inLog.add(seq);
        }
        return u;
    }

    private Workload.Unit unit(long seq) {
        String tag = "t:3:" + seq;
        return new Workload.Unit(tag, List.<String[]>of(new String[] {"RPUSH", "ct:3:log", tag}), s -> {
            s.log.add(tag);
            s.counter++;
        });
    }

    private ClientCheck.Outcome check(ClientState actual) {
        return client.check.check(client, actual, inLog, System.nanoTime());
    }

    @Test
    void aRoundExaminesTheUnitsSinceTheLastCheckNotTheWholeHistory() {
        for (int round = 0; round < 300; round++) {
            long before = client.check.examined;
            sendAcknowledged(5);
            ClientCheck.Outcome r = check(client.acked.copy());
            assertTrue(r.failures().isEmpty(), "round " + round + ": " + r.failures());
            // 5 new log entries and 5 new sequence numbers, in round 300 as in round 1
            assertEquals(10, client.check.examined - before, "round " + round);
        }
        assertEquals(0, client.ackTimes.size(), "checked units' ack times are dropped");
    }

    @Test
    void anAcknowledgedUnitMissingFromTheLogIsLostInALaterRoundToo() {
        sendAcknowledged(5);
        assertTrue(check(client.acked.copy()).failures().isEmpty());
        sendAcknowledged(5, 7);
        ClientState server = client.acked.copy(); // whatever the keys say, the log lacks unit 7
        ClientCheck.Outcome r = check(server);
        assertEquals(1, r.lost());
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("t:3:7 is not in the log")), r.failures().toString());
    }

    @Test
    void theInFlightUnitIsAppliedIfAndOnlyIfTheLogHoldsIt() {
        sendAcknowledged(3);
        Workload.Unit u = sendInFlight(true);
        ClientState applied = client.acked.copy();
        u.effect().accept(applied);
        ClientCheck.Outcome r = check(applied);
        assertTrue(r.failures().isEmpty(), r.failures().toString());
        assertEquals(1, r.inFlight());

        sendAcknowledged(2);
        sendInFlight(false);
        r = check(client.acked.copy());
        assertTrue(r.failures().isEmpty(), r.failures().toString());
        assertEquals(-1, r.inFlight());
        assertEquals(0, r.lost(), "a unit never acknowledged may be missing");

        // logged but its effect missing from the keys
        sendAcknowledged(1);
        sendInFlight(true);
        r = check(client.acked.copy());
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("and the logged in-flight unit")), r.failures().toString());
    }

    @Test
    void anOldUnitAppearingInTheLogAfterNewerOnesFails() {
        sendAcknowledged(2);
        sendInFlight(false); // unit 2: not in the log at this restart
        assertTrue(check(client.acked.copy()).failures().isEmpty());
        sendAcknowledged(2); // units 3 and 4
        inLog.add(2L); // ... and unit 2's record shows up after them
        ClientCheck.Outcome r = check(client.acked.copy());
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("out of order (4 before 2)")), r.failures().toString());
    }

    @Test
    void aUnitLoggedTwiceOrNeverSentFails() {
        sendAcknowledged(3);
        inLog.add(2L);
        ClientCheck.Outcome r = check(client.acked.copy());
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("twice")), r.failures().toString());

        sendAcknowledged(1);
        inLog.add(9L);
        r = check(client.acked.copy());
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("never sent (9)")), r.failures().toString());
    }

    @Test
    void keysThatDifferFromTheAcknowledgedUnitsFail() {
        sendAcknowledged(4);
        ClientState server = client.acked.copy();
        server.counter--;
        ClientCheck.Outcome r = check(server);
        assertTrue(r.failures().stream().anyMatch(f -> f.contains("1 items differ")), r.failures().toString());
    }
}
