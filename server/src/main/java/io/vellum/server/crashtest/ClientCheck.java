package io.vellum.server.crashtest;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One load client's checks at a restart ({@link CrashTest}'s checks 2 and 3): the log holds its
 * units in the order sent, each at most once, none never sent, every acknowledged one, and
 * nothing else but possibly the unit in flight at the kill; its keys hold what its acknowledged
 * units (and the in-flight one, if and only if logged) made of them.
 *
 * <p>Incremental: the client's units in the log ({@link LogCheck#unitsByClient}) only grow, by
 * the records read since the last check, and every sequence number sent before the last check
 * was checked then. So a check examines the log entries and sequence numbers of the round since
 * the last one, not the run's whole history: a round costs the same at the end of a long run
 * as at its start. Not thread-safe: the crash test's thread only.
 */
final class ClientCheck {
    /** What one check found. {@code inFlight}: 1 applied, -1 not applied, 0 none in flight. */
    record Outcome(int inFlight, long lost, long lossWindowMillis, List<String> failures) {
    }

    /** Entries of the client's log units checked so far. */
    private int logChecked;
    /** Every sequence number below this was checked. */
    private long seqChecked;
    /** Log entries and sequence numbers examined over the run (a test bounds it per round). */
    long examined;

    /**
     * Checks {@code lc} after a kill at {@code killNanos}: {@code actual} is what its keys hold
     * now, {@code inLog} its units in the log in log order. Moves its acknowledged state on to
     * {@code actual} and clears its unit in flight.
     */
    Outcome check(LoadClient lc, ClientState actual, List<Long> inLog, long killNanos) {
        List<String> failures = new ArrayList<>();
        Set<Long> fresh = new HashSet<>();
        boolean orderReported = false;
        boolean neverSentReported = false;
        for (int i = logChecked; i < inLog.size(); i++) {
            long seq = inLog.get(i);
            examined++;
            if (i > 0 && seq <= inLog.get(i - 1) && !orderReported) {
                orderReported = true;
                failures.add(seq == inLog.get(i - 1) ? "the log holds one of its units twice (" + seq + ")"
                        : "the log holds its units out of order (" + inLog.get(i - 1) + " before " + seq + ")");
            }
            if (seq >= lc.nextSeq && !neverSentReported) {
                neverSentReported = true;
                failures.add("the log holds a unit never sent (" + seq + ")");
            }
            fresh.add(seq);
        }
        logChecked = inLog.size();
        int inFlight = 0;
        boolean applied = lc.inFlight != null && fresh.contains(lc.inFlightSeq);
        if (lc.inFlight != null) {
            inFlight = applied ? 1 : -1;
            if (!applied) {
                lc.notApplied.add(lc.inFlightSeq);
            }
        }
        ClientState expected = applied ? lc.withInFlight() : lc.acked;
        if (!actual.equals(expected)) {
            int d = actual.differences(expected);
            failures.add("its keys are not what its acknowledged units" + (applied ? " and the logged in-flight unit" : "")
                    + " made them (" + d + " items differ)\n    expected " + expected + "\n    found    " + actual);
        }
        // the log: a prefix of what was sent, holding every acknowledged unit. Units sent before
        // the last check were in the entries read by then (a later entry with a smaller number
        // fails the order check above).
        long lost = 0;
        long window = 0;
        for (long seq = seqChecked; seq < lc.nextSeq; seq++) {
            examined++;
            if (!fresh.contains(seq) && !lc.notApplied.contains(seq)) {
                lost++;
                Long at = lc.ackTimes.get(seq);
                if (at != null) {
                    window = Math.max(window, (killNanos - at) / 1_000_000);
                }
                failures.add("acknowledged unit t:" + lc.id + ":" + seq + " is not in the log");
            }
        }
        seqChecked = lc.nextSeq;
        // what the next checks never look at again
        lc.ackTimes.headMap(seqChecked).clear();
        lc.notApplied.headSet(seqChecked).clear();
        lc.acked = actual;
        lc.inFlight = null;
        lc.inFlightSeq = -1;
        return new Outcome(inFlight, lost, window, failures);
    }
}
