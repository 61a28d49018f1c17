package io.vellum.replication;

import static io.vellum.replication.ReplicaTestSupport.assertSameData;
import static io.vellum.replication.ReplicaTestSupport.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.Vellum;
import io.vellum.core.reply.Reply;
import io.vellum.server.RespServer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The primary's stream to a TCP replica runs on the connection's event loop and is woken by the
 * primary's commits: no thread polls the log, records are sent as each batch is committed, a
 * backlog larger than one send goes out in several, and the replica's log holds the primary's
 * bytes. The replica acks about once a second, and at once when a WAIT asks it to.
 */
class ReplicaStreamTest {
    @TempDir
    Path tmp;

    @AfterEach
    void restoreTick() {
        ReplicaStream.tickMillis = 100;
    }

    @Test
    void recordsAreSentWhenTheyAreCommittedWithoutAnyThreadPollingTheLog() {
        // With the loop's own look at the log an hour away, only the commits' wakes send records.
        ReplicaStream.tickMillis = 3_600_000;
        try (Vellum primary = Vellum.open(tmp.resolve("p"))) {
            RespServer ps = primary.serve(0);
            try (Vellum tcp = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open()) {
                awaitCaughtUp(primary, tcp, 10_000);
                for (int round = 0; round < 20; round++) {
                    primary.execute("SET", "k" + round, "v" + round);
                    primary.execute("INCR", "n");
                    assertEquals(new Reply.Int(1), primary.execute("WAIT", "1", "5000"), "round " + round);
                }
                awaitCaughtUp(primary, tcp, 10_000);
                assertSameData(primary, tcp);
                List<String> streamThreads = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                        .filter(n -> n.startsWith("vellum-repl-stream")).toList();
                assertEquals(List.of(), streamThreads, "streaming has no thread of its own once the handshake is done");
            }
        }
    }

    @Test
    void aReplicaAcksAboutOnceASecondUnderASteadyStreamAndAtOnceWhenWaitAsks() {
        try (Vellum primary = Vellum.open(tmp.resolve("p"))) {
            RespServer ps = primary.serve(0);
            try (Vellum tcp = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open()) {
                awaitCaughtUp(primary, tcp, 10_000);
                ReplicaLink link = (ReplicaLink) tcp.replication().upstream();
                long acks0 = link.acksSent();
                long t0 = System.nanoTime();
                int writes = 0;
                while (System.nanoTime() - t0 < 2_000_000_000L) {
                    primary.execute("SET", "k" + writes, "v"); // one record a batch: a batch applied each
                    writes++;
                }
                awaitCaughtUp(primary, tcp, 10_000);
                long millis = (System.nanoTime() - t0) / 1_000_000;
                long acks = link.acksSent() - acks0;
                assertTrue(writes >= 1000, "a steady stream: " + writes + " writes in " + millis + " ms");
                // once a second (plus the link's first ack, and one second more for the wait above)
                assertTrue(acks <= 3 * (millis / 1000 + 1), acks + " acks in " + millis + " ms for " + writes + " batches");
                assertTrue(acks >= 1, "the position was acked");
                long acksBeforeWaits = link.acksSent();
                long[] waits = new long[10];
                for (int round = 0; round < waits.length; round++) {
                    primary.execute("SET", "w", Integer.toString(round));
                    long t = System.nanoTime();
                    assertEquals(new Reply.Int(1), primary.execute("WAIT", "1", "5000"), "round " + round);
                    waits[round] = (System.nanoTime() - t) / 1_000_000;
                }
                java.util.Arrays.sort(waits);
                // without the primary's ack request the replica's next ack is up to a second away;
                // the median round, as one round stalled by a loaded machine says nothing
                assertTrue(waits[5] < 500, "WAIT took (sorted, ms) " + java.util.Arrays.toString(waits));
                // The acker counts an ack after its write returns, which can be after the primary
                // read it and released the WAIT: the count may trail the last WAIT by a moment.
                ReplicaTestSupport.await("an ack of its own for each WAIT", 5_000,
                        () -> link.acksSent() - acksBeforeWaits >= 10);
            }
        }
    }

    @Test
    void aBacklogLargerThanOneSendReachesAReplicaThatAttachesLate() {
        try (Vellum primary = Vellum.open(tmp.resolve("p"))) {
            RespServer ps = primary.serve(0);
            String value = "x".repeat(1000);
            for (int i = 0; i < 3000; i++) {
                primary.execute("SET", "key:" + i, value + i); // about 3 MB: a dozen sends of 256 KiB
            }
            try (Vellum tcp = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open()) {
                awaitCaughtUp(primary, tcp, 30_000);
                primary.execute("DEL", "key:7");
                assertEquals(new Reply.Int(1), primary.execute("WAIT", "1", "5000"));
                assertSameData(primary, tcp);
            }
            try (LogTail a = new LogTail(tmp.resolve("p")); LogTail b = new LogTail(tmp.resolve("r"))) {
                assertEquals(LogTail.Seek.OK, a.seekAfter(0));
                assertEquals(LogTail.Seek.OK, b.seekAfter(0));
                int n = 0;
                while (a.next()) {
                    assertTrue(b.next(), "the replica's log ends at record " + n);
                    assertEquals(a.serial(), b.serial());
                    assertEquals(java.nio.ByteBuffer.wrap(a.raw(), 0, a.rawLength()),
                            java.nio.ByteBuffer.wrap(b.raw(), 0, b.rawLength()), "record " + a.serial());
                    n++;
                }
                assertEquals(3001, n);
            } catch (io.vellum.aof.LogDamageException e) {
                throw new AssertionError(e);
            }
        }
    }
}
