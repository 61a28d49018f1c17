package io.vellum.replication;

import static io.vellum.replication.ReplicaTestSupport.assertSameData;
import static io.vellum.replication.ReplicaTestSupport.await;
import static io.vellum.replication.ReplicaTestSupport.awaitCaughtUp;
import static io.vellum.replication.ReplicaTestSupport.info;
import static io.vellum.replication.ReplicaTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.Vellum;
import io.vellum.VellumConnection;
import io.vellum.core.reply.Reply;
import io.vellum.server.RespServer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover: a replica is promoted while the primary is gone; every write that WAIT confirmed
 * is on it; it takes writes under a new log id; the old primary comes back as its replica and
 * converges: by continuing (when it holds nothing the new primary lacks), or by a full resync
 * that replaces its diverged history (when it does: never merged).
 */
class FailoverTest {
    @TempDir
    Path tmp;

    /** Writes w0, w1... on the primary, WAIT 1 after every 10; returns the count WAIT confirmed. */
    private static Thread writer(Vellum primary, AtomicBoolean stop, long[] confirmed, long[] attempted) {
        Thread t = new Thread(() -> {
            try (VellumConnection c = primary.connect()) {
                for (long i = 0; !stop.get(); i++) {
                    Reply r = c.execute("SET", "w" + i, Long.toString(i));
                    if (!(r instanceof Reply.Simple)) {
                        break; // the store closed under us
                    }
                    attempted[0] = i + 1;
                    if (i % 10 == 9) {
                        Reply w = c.execute("WAIT", "1", "2000");
                        if (w instanceof Reply.Int n && n.value() == 1) {
                            confirmed[0] = i + 1;
                        }
                    }
                }
            } catch (RuntimeException e) {
                // the primary went away mid-command: what WAIT confirmed is what counts
            }
        }, "failover-writer");
        t.start();
        return t;
    }

    @Test
    void waitConfirmedWritesSurviveFailoverAndTheOldPrimaryRejoins() throws Exception {
        Path pdir = tmp.resolve("p");
        Vellum primary = Vellum.open(pdir);
        RespServer ps = primary.serve(0);
        Vellum replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
        RespServer rs = replica.serve(0);
        try {
            AtomicBoolean stop = new AtomicBoolean();
            long[] confirmed = {0};
            long[] attempted = {0};
            Thread w = writer(primary, stop, confirmed, attempted);
            await("writes confirmed by WAIT", 20_000, () -> confirmed[0] >= 200);
            stop.set(true);
            w.join();
            // the primary fails after its replica caught up (a planned failover)
            awaitCaughtUp(primary, replica, 10_000);
            primary.close();
            assertEquals("OK", text(replica.execute("REPLICAOF", "NO", "ONE")));
            for (long i = 0; i < confirmed[0]; i++) {
                assertEquals(Long.toString(i), text(replica.execute("GET", "w" + i)), "confirmed write w" + i);
            }
            for (int i = 0; i < 100; i++) {
                replica.execute("HSET", "after", "f" + i, "v" + i);
            }
            // the old primary comes back as a replica of the promoted one
            primary = Vellum.builder().dir(pdir).replicaOf("127.0.0.1", rs.port()).open();
            assertEquals(new Reply.Int(1), replica.execute("WAIT", "1", "10000"));
            replica.execute("SADD", "confirmed-on-new-primary", "x");
            assertEquals(new Reply.Int(1), replica.execute("WAIT", "1", "10000"));
            awaitCaughtUp(replica, primary, 10_000);
            assertSameData(replica, primary);
            assertEquals(info(replica, "master_replid"), info(primary, "master_replid"));
        } finally {
            replica.close();
            primary.close();
        }
    }

    @Test
    void anOldPrimaryAheadOfThePromotedReplicaFullResyncsAndConverges() throws Exception {
        Path pdir = tmp.resolve("p");
        Vellum primary = Vellum.open(pdir);
        RespServer ps = primary.serve(0);
        Vellum replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
        RespServer rs = replica.serve(0);
        try {
            AtomicBoolean stop = new AtomicBoolean();
            long[] confirmed = {0};
            long[] attempted = {0};
            Vellum p = primary;
            Thread w = writer(primary, stop, confirmed, attempted);
            await("writes confirmed by WAIT", 20_000, () -> confirmed[0] >= 100);
            // the replica is cut off, then promoted, while the primary goes on writing
            replica.execute("REPLICAOF", "NO", "ONE");
            long promotedAt = replica.replication().offset();
            await("the old primary to write past the promotion point", 20_000,
                    () -> p.replication().offset() > promotedAt);
            stop.set(true);
            w.join();
            for (long i = 0; i < confirmed[0]; i++) {
                assertEquals(Long.toString(i), text(replica.execute("GET", "w" + i)), "confirmed write w" + i);
            }
            primary.execute("SET", "only-on-old-primary", "1");
            for (int i = 0; i < 50; i++) {
                replica.execute("HSET", "after", "f" + i, "v" + i);
            }
            long oldOffset = primary.replication().offset();
            assertTrue(oldOffset > promotedAt);
            primary.execute("REPLICAOF", "127.0.0.1", Integer.toString(rs.port()));
            await("the old primary to full-resync", 20_000, () -> "up".equals(info(p, "master_link_status")));
            awaitCaughtUp(replica, primary, 20_000);
            assertSameData(replica, primary);
            assertEquals(new Reply.Int(0), primary.execute("EXISTS", "only-on-old-primary"), "never merged");
            assertEquals(info(replica, "master_replid"), info(primary, "master_replid"));
            // it follows from here on, and WAIT on the new primary counts it
            replica.execute("SADD", "confirmed-on-new-primary", "x");
            assertEquals(new Reply.Int(1), replica.execute("WAIT", "1", "10000"));
            assertEquals(new Reply.Int(1), primary.execute("SISMEMBER", "confirmed-on-new-primary", "x"));
            // and it restarts from what the resync left on its disk
            primary.close();
            primary = Vellum.builder().dir(pdir).replicaOf("127.0.0.1", rs.port()).open();
            replica.execute("SADD", "confirmed-on-new-primary", "y");
            assertEquals(new Reply.Int(1), replica.execute("WAIT", "1", "10000"));
            awaitCaughtUp(replica, primary, 10_000);
            assertSameData(replica, primary);
        } finally {
            replica.close();
            primary.close();
        }
    }
}
