package io.vellum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.vellum.core.TestStore;
import io.vellum.core.spi.UnitRecord;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Property 1, replay equivalence: whatever a run did, a store rebuilt from its log answers the
 * probe set ({@link Probe}: DEBUG DIGEST, SCAN to the end, every key's value, TTL, PTTL and
 * encoding) with the same bytes as the store that wrote it. Checked
 *
 * <ul>
 *   <li>at every reopen and crash: the recovered store equals the store before;</li>
 *   <li>at every torn tail: the recovered store equals a replay of the log without its cut last
 *       record, and the cut record was reported (moved aside); when the newest snapshot covered
 *       the cut record, the recovered store equals the store before the tear and a stand-in
 *       took the record's place;</li>
 *   <li>at the end: a recovery of a copy of the directory (the newest snapshot and the log after
 *       it; then each older snapshot kept and the log after it), and a replay of the whole log
 *       into an engine without one, all equal the live store (once a stand-in replaced a lost
 *       record, the log alone cannot replay: then every kept snapshot must cover the stand-in);</li>
 *   <li>for a replica ({@link SimReplica}) that applies the primary's records as they are logged,
 *       restarts (kill -9) and loses its link now and then: after catching up, at every reopen
 *       and crash of the primary and at the end, it equals the primary; after its own restart, it
 *       equals itself before.</li>
 * </ul>
 */
class ReplayEquivalencePropertyTest {
    static final int CI_SEQUENCES = 12;

    @Test
    void aStoreRebuiltFromItsLogAnswersLikeTheStoreThatWroteIt() {
        Sim.check("replay equivalence", CI_SEQUENCES, g -> withReplicaActions(g, CommandGen.sequence(g, 20, 100, CommandGen.Mix.ALL)),
                ReplayEquivalencePropertyTest::check, "ReplayEquivalencePropertyTest.check");
    }

    /** Inserts replica restarts and link drops (each about 3 in 100 actions). */
    static List<Action> withReplicaActions(Gen g, List<Action> actions) {
        List<Action> out = new java.util.ArrayList<>();
        for (Action a : actions) {
            if (g.chance(3)) {
                out.add(new Action.ReplicaRestart());
            } else if (g.chance(3)) {
                out.add(new Action.LinkDrop(g.between(1, 15)));
            }
            out.add(a);
        }
        return out;
    }

    private static void assertReplicaEqual(SimStore s, SimReplica r, String where) {
        r.catchUp(s.dir());
        assertProbesEqual(Probe.of(s.store()), r.probes(s.micros()), "replica caught up vs the primary, " + where);
    }

    /** The property on one sequence (printed failing runs call this). */
    static void check(List<Action> actions) {
        try (SimStore s = SimStore.create(); SimReplica replica = new SimReplica(s.root())) {
            int step = 0;
            for (Action a : actions) {
                step++;
                String where = "after step " + step + " (" + a.java() + ")";
                if (a instanceof Action.Command || a instanceof Action.Transaction) {
                    s.run(a);
                } else if (a instanceof Action.ReplicaRestart) {
                    List<String> before = replica.probes(s.micros());
                    replica.restart();
                    assertProbesEqual(before, replica.probes(s.micros()), "replica restarted after kill -9, " + where);
                } else if (a instanceof Action.LinkDrop d) {
                    replica.dropLink(d.steps());
                    continue;
                } else if (a instanceof Action.Reopen) {
                    List<String> before = Probe.of(s.store());
                    s.reopen();
                    assertProbesEqual(before, Probe.of(s.store()), "reopened store, " + where);
                    assertReplicaEqual(s, replica, where);
                } else if (a instanceof Action.Crash) {
                    List<String> before = Probe.of(s.store());
                    s.crash();
                    assertProbesEqual(before, Probe.of(s.store()), "store recovered after kill -9, " + where);
                    assertReplicaEqual(s, replica, where);
                } else if (a instanceof Action.CrashDuringSnapshot c) {
                    List<String> before = Probe.of(s.store());
                    s.crashDuringSnapshot(c.written());
                    assertProbesEqual(before, Probe.of(s.store()), "store recovered after kill -9 during a BGSAVE, " + where);
                    assertEquals(List.of(), StoreFiles.snapshotTempFiles(s.dir()), "the unfinished snapshot is deleted, " + where);
                } else if (a instanceof Action.TornTail t) {
                    List<String> before = Probe.of(s.store());
                    int removedBefore = StoreFiles.removedTails(s.dir()).size();
                    List<UnitRecord> records = s.tornTail(t.kept(), t.truncate());
                    replica.resyncIfAhead(s.dir(), ((io.vellum.aof.AppendOnlyLog) s.engine().log()).lastSerial());
                    if (records.isEmpty()) {
                        assertProbesEqual(before, Probe.of(s.store()), "empty log, " + where);
                        continue;
                    }
                    if (s.lastTearCovered()) {
                        // the newest snapshot holds the torn record's effects: nothing it covers is lost
                        assertProbesEqual(before, Probe.of(s.store()),
                                "store recovered from a torn record the newest snapshot covers vs the store before, " + where);
                        assertEquals(UnitRecord.Kind.LOST, lastRecord(s.dir()).kind(),
                                "a stand-in takes the torn record's place, " + where);
                    } else {
                        List<UnitRecord> kept = records.subList(0, records.size() - 1);
                        try (TestStore prefix = lastLost(kept) < 0 ? SimStore.replayed(kept, s.micros())
                                : SimStore.fromNewestSnapshot(s.dir(), kept, s.lastTearPositions(), s.micros())) {
                            assertProbesEqual(Probe.of(prefix), Probe.of(s.store()),
                                    "store recovered from a torn tail vs the log without its last record, " + where);
                        }
                    }
                    assertEquals(removedBefore + 1, StoreFiles.removedTails(s.dir()).size(),
                            "the torn record is moved aside and reported, " + where);
                } else if (!s.perform(a)) {
                    throw new IllegalArgumentException("not in this property: " + a);
                }
                replica.tick(s.dir());
            }
            checkRebuilt(s, "at the end");
            assertReplicaEqual(s, replica, "at the end");
            Sim.STATS.replicaRestarts += replica.restarts;
            Sim.STATS.replicaResyncs += replica.resyncs;
        }
    }

    /** A recovery of a copy of the directory and a replay of the log both equal the live store. */
    static void checkRebuilt(SimStore s, String where) {
        Sim.STATS.checks++;
        List<String> live = Probe.of(s.store());
        Path copy = s.copyAsIs();
        try {
            List<UnitRecord> records = StoreFiles.records(copy);
            try (TestStore recovered = SimStore.openStore(copy, s.micros())) {
                assertProbesEqual(live, Probe.of(recovered), "recovered copy of the directory, " + where);
            }
            int lost = lastLost(records);
            if (lost < 0) {
                try (TestStore replayed = SimStore.replayed(records, s.micros())) {
                    assertProbesEqual(live, Probe.of(replayed), "replay of the log, " + where);
                }
            } else {
                // A torn record's effects live only in the snapshot that covers its stand-in: the
                // log alone no longer replays, and every snapshot kept must cover the stand-in.
                Sim.STATS.logOnlyReplaysImpossible++;
                long standIn = StoreFiles.positions(copy).get(lost);
                for (Path snap : snapshotFiles(copy)) {
                    long covered;
                    try {
                        covered = io.vellum.snapshot.SnapshotReader.header(snap).getLogPosition();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    if (covered < standIn) {
                        fail("snapshot " + snap.getFileName() + " is kept but covers less than the stand-in at " + standIn
                                + " (it should have been retired), " + where);
                    }
                }
            }
            // from every snapshot kept (plus the log after it), not only the newest
            List<Path> snapshots = snapshotFiles(copy);
            for (int i = snapshots.size() - 1; i > 0; i--) {
                StoreFiles.delete(snapshots.get(i));
                try (TestStore older = SimStore.openStore(copy, s.micros())) {
                    assertProbesEqual(live, Probe.of(older), "recovery from the older snapshot "
                            + snapshots.get(i - 1).getFileName() + " and the log after it, " + where);
                }
            }
        } finally {
            StoreFiles.delete(copy);
        }
    }

    /** The index of the last stand-in for a lost record, -1 when there is none. */
    static int lastLost(List<UnitRecord> records) {
        for (int i = records.size() - 1; i >= 0; i--) {
            if (records.get(i).kind() == UnitRecord.Kind.LOST) {
                return i;
            }
        }
        return -1;
    }

    private static UnitRecord lastRecord(Path storeDir) {
        Path copy = storeDir.resolveSibling(storeDir.getFileName() + "-peek");
        StoreFiles.copy(storeDir, copy);
        try {
            List<UnitRecord> r = StoreFiles.records(copy);
            return r.get(r.size() - 1);
        } finally {
            StoreFiles.delete(copy);
        }
    }

    private static List<Path> snapshotFiles(Path storeDir) {
        Path dir = io.vellum.snapshot.SnapshotFormat.directory(storeDir);
        if (!java.nio.file.Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = java.nio.file.Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".vsnap")).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void assertProbesEqual(List<String> expected, List<String> actual, String what) {
        if (expected.equals(actual)) {
            return;
        }
        int i = 0;
        while (i < expected.size() && i < actual.size() && expected.get(i).equals(actual.get(i))) {
            i++;
        }
        String e = i < expected.size() ? expected.get(i) : "(end)";
        String g = i < actual.size() ? actual.get(i) : "(end)";
        fail(what + ": probes differ at line " + i + ":\n  expected " + e + "\n  actual   " + g);
    }
}
