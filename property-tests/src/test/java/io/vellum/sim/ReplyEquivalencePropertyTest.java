package io.vellum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vellum.core.TestStore;
import io.vellum.core.reply.Reply;
import io.vellum.core.reply.ReplyBuilder;
import io.vellum.core.spi.UnitRecord;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Property 2, reply equivalence: replaying the log in a fresh store re-runs every logged unit
 * with the record's time, seed and database, and each unit answers exactly what it answered
 * the client in the original run (random picks, relative TTLs and TIME included; a
 * transaction's EXEC reply as a whole). Runs reopen and crash along the way; torn tails are left
 * out, since they drop a unit whose reply the client already has.
 */
class ReplyEquivalencePropertyTest {
    static final int CI_SEQUENCES = 10;

    @Test
    void replayingTheLogGivesEveryUnitTheReplyItsClientGot() {
        Sim.check("reply equivalence", CI_SEQUENCES, CommandGen.sequences(20, 120, CommandGen.Mix.NO_TORN_TAIL),
                ReplyEquivalencePropertyTest::check, "ReplyEquivalencePropertyTest.check");
    }

    /** What a logged unit answered, and which action it was. */
    record Answered(int step, Action action, Reply reply) {
    }

    static void check(List<Action> actions) {
        try (SimStore s = SimStore.create()) {
            Map<Long, Answered> byPosition = new HashMap<>();
            int step = 0;
            for (Action a : actions) {
                step++;
                if (a instanceof Action.Command || a instanceof Action.Transaction) {
                    long before = s.lastPosition();
                    Reply r = s.run(a);
                    long after = s.lastPosition();
                    if (after != before) {
                        byPosition.put(after, new Answered(step, a, r));
                    }
                } else if (!s.perform(a)) {
                    throw new IllegalArgumentException("not in this property: " + a);
                }
            }
            Path copy = s.copyAsIs();
            try {
                List<UnitRecord> records = StoreFiles.records(copy);
                List<Long> positions = StoreFiles.positions(copy);
                int compared = 0;
                try (TestStore fresh = new TestStore()) {
                    for (int i = 0; i < records.size(); i++) {
                        UnitRecord r = records.get(i);
                        ReplyBuilder replies = new ReplyBuilder(r.protocol());
                        fresh.engine.applyRecord(r, false, replies);
                        Answered original = byPosition.remove(positions.get(i));
                        if (original == null) {
                            assertEquals(UnitRecord.Kind.EXPIRY, r.kind(), "record " + i + " (" + r.describe()
                                    + ") is neither active expiry nor a unit of the run");
                            continue;
                        }
                        List<Reply> got = replies.take();
                        Reply replayed = got.isEmpty() ? null : got.get(got.size() - 1);
                        if (!original.reply().equals(replayed)) {
                            fail("step " + original.step() + " (" + original.action().java() + ") answered "
                                    + Probe.render(original.reply()) + " but its replay (record " + i + ") answered "
                                    + Probe.render(replayed));
                        }
                        compared++;
                    }
                }
                assertTrue(byPosition.isEmpty(), "logged units missing from the log: " + byPosition.values());
                Sim.STATS.checks += compared > 0 ? 1 : 0;
            } finally {
                StoreFiles.delete(copy);
            }
        }
    }
}
