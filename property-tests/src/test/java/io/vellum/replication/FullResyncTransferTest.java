package io.vellum.replication;

import static io.vellum.replication.ReplicaTestSupport.assertSameData;
import static io.vellum.replication.ReplicaTestSupport.await;
import static io.vellum.replication.ReplicaTestSupport.awaitCaughtUp;
import static io.vellum.replication.ReplicaTestSupport.digest;
import static io.vellum.replication.ReplicaTestSupport.info;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.Vellum;
import io.vellum.core.reply.Reply;
import io.vellum.server.RespServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full resync's snapshot is checked before it replaces anything: a transfer with a byte
 * changed on the way, or cut short, is refused, the replica keeps its data and its position,
 * and the next clean attempt succeeds.
 */
class FullResyncTransferTest {
    @TempDir
    Path tmp;

    @Test
    void aCorruptOrTruncatedSnapshotIsRefusedAndTheReplicaKeepsItsData() throws Exception {
        try (Vellum primary = Vellum.open(tmp.resolve("p"));
             Vellum replica = Vellum.open(tmp.resolve("r"))) {
            RespServer ps = primary.serve(0);
            FullResyncTest.load(primary, "p", 200);
            // the replica has a history of its own: the primary cannot continue it
            FullResyncTest.load(replica, "own", 20);
            String before = digest(replica);
            long offsetBefore = replica.replication().offset();
            try (FaultyProxy proxy = new FaultyProxy(ps.port())) {
                proxy.fault = FaultyProxy.Fault.FLIP;
                replica.execute("REPLICAOF", "127.0.0.1", Integer.toString(proxy.port()));
                await("the corrupt transfer to be refused", 20_000, () -> {
                    String e = replica.replication().lastError();
                    return e != null && e.contains("failed its checksum");
                });
                assertEquals(before, digest(replica), "the replica keeps its data");
                assertEquals(offsetBefore, replica.replication().offset());
                assertEquals("down", info(replica, "master_link_status"));

                proxy.fault = FaultyProxy.Fault.CUT;
                await("the cut transfer to be refused", 20_000, () -> {
                    String e = replica.replication().lastError();
                    return e != null && e.contains("cut short");
                });
                assertEquals(before, digest(replica), "the replica keeps its data");
                assertEquals(new Reply.Int(1), replica.execute("EXISTS", "own:s1"));

                proxy.fault = FaultyProxy.Fault.NONE;
                awaitCaughtUp(primary, replica, 20_000);
                assertSameData(primary, replica);
                assertEquals(new Reply.Int(0), replica.execute("EXISTS", "own:s1"), "replaced, never merged");
                primary.execute("SET", "after", "1");
                assertEquals(new Reply.Int(1), primary.execute("WAIT", "1", "10000"));
            }
        }
    }
}
