package io.vellum.server.crashtest;

import java.io.IOException;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One load client: sends write units one at a time and records each acknowledged one. Its
 * state survives the server's deaths: what its acknowledged units made of its keys, the unit in
 * flight when the server died, and the units the log may lack (in flight at a kill).
 */
final class LoadClient {
    final int id;
    final int db;
    final String prefix;
    final Random random;
    ClientState acked = new ClientState();
    /** The unit sent whose reply never came (the server died), or null. */
    Workload.Unit inFlight;
    long inFlightSeq = -1;
    long nextSeq;
    long ackedUnits;
    /** Per acknowledged unit: when (nanoTime) its reply came, for the loss window. */
    final java.util.NavigableMap<Long, Long> ackTimes = new java.util.TreeMap<>();
    /** Units that were in flight at a kill and are not in the log: they may be missing. */
    final java.util.NavigableSet<Long> notApplied = new TreeSet<>();
    /** Its checks at each restart. */
    final ClientCheck check = new ClientCheck();
    String failure;

    LoadClient(int id, long seed) {
        this.id = id;
        this.db = id % 2;
        this.prefix = "ct:" + id + ":";
        this.random = new Random(seed);
    }

    /** Sends units until {@code stop} or the server dies. */
    void run(int port, Workload workload, AtomicBoolean stop) {
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        try {
            send(port, workload, stop);
        } finally {
            cpuNanos += THREADS.getCurrentThreadCpuTime() - cpu0;
        }
    }

    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
    /** CPU time of this client's threads so far. */
    long cpuNanos;

    private void send(int port, Workload workload, AtomicBoolean stop) {
        try (RespClient c = new RespClient(port, 30_000)) {
            Object sel = c.call("SELECT", Integer.toString(db));
            if (!"OK".equals(sel)) {
                failure = "SELECT answered " + sel;
                return;
            }
            while (!stop.get()) {
                long seq = nextSeq++;
                Workload.Unit u = workload.next(random, prefix, "t:" + id + ":" + seq);
                inFlight = u;
                inFlightSeq = seq;
                Object reply = null;
                for (String[] cmd : u.commands()) {
                    reply = c.call(cmd);
                }
                String bad = unexpected(u, reply);
                if (bad != null) {
                    failure = "unit " + u.tag() + " answered " + bad;
                    return;
                }
                u.effect().accept(acked);
                ackedUnits++;
                ackTimes.put(seq, System.nanoTime());
                inFlight = null;
                inFlightSeq = -1;
            }
        } catch (IOException died) {
            // the server died: the unit in flight (if any) stays in flight
        }
    }

    private static String unexpected(Workload.Unit u, Object reply) {
        if (reply instanceof RespClient.Err e) {
            return "-" + e.text();
        }
        if (u.transaction() && !(reply instanceof List)) {
            return String.valueOf(reply);
        }
        return null;
    }

    /** What this client's keys must hold if the unit in flight was applied. */
    ClientState withInFlight() {
        ClientState s = acked.copy();
        if (inFlight != null) {
            inFlight.effect().accept(s);
        }
        return s;
    }
}
