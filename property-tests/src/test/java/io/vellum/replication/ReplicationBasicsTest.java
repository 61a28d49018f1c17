package io.vellum.replication;

import static io.vellum.replication.ReplicaTestSupport.assertSameData;
import static io.vellum.replication.ReplicaTestSupport.await;
import static io.vellum.replication.ReplicaTestSupport.awaitCaughtUp;
import static io.vellum.replication.ReplicaTestSupport.info;
import static io.vellum.replication.ReplicaTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.Vellum;
import io.vellum.core.reply.Reply;
import io.vellum.server.RespServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A primary with a TCP replica and a same-host follower: records arrive, replicas are read-only, WAIT counts acks. */
class ReplicationBasicsTest {
    @TempDir
    Path tmp;

    @Test
    void tcpReplicaAndSameHostFollowerApplyThePrimarysRecords() {
        try (Vellum primary = Vellum.open(tmp.resolve("p"))) {
            RespServer ps = primary.serve(0);
            primary.execute("SET", "before", "1");
            try (Vellum tcp = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
                 Vellum same = Vellum.builder().dir(tmp.resolve("f")).followDir(tmp.resolve("p")).open()) {
                for (int i = 0; i < 200; i++) {
                    primary.execute("SADD", "s", "m" + i);
                    primary.execute("HSET", "h", "f" + i, "v" + i);
                    primary.execute("RPUSH", "l", "e" + i);
                }
                primary.execute("MULTI");
                primary.execute("INCR", "n");
                primary.execute("INCR", "n");
                primary.execute("EXEC");
                primary.execute("SELECT", "1");
                primary.execute("SET", "in-db-1", "x");
                assertEquals(new Reply.Int(1), primary.execute("WAIT", "1", "5000"));
                awaitCaughtUp(primary, tcp, 5000);
                awaitCaughtUp(primary, same, 5000);
                assertSameData(primary, tcp);
                assertSameData(primary, same);
                assertEquals("-READONLY You can't write against a read only replica.", text(tcp.execute("SET", "x", "1")));
                assertEquals("-READONLY You can't write against a read only replica.", text(same.execute("DEL", "s")));
                assertEquals("slave", info(tcp, "role"));
                assertEquals("up", info(tcp, "master_link_status"));
                assertEquals(Integer.toString(ps.port()), info(tcp, "master_port"));
                assertEquals("1", info(primary, "connected_slaves"));
                assertTrue(info(primary, "slave0").startsWith("ip=127.0.0.1,port="), info(primary, "slave0"));
                assertEquals(info(primary, "master_replid"), info(tcp, "master_replid"));
                assertEquals(info(primary, "master_repl_offset"), info(tcp, "master_repl_offset"));
                Reply.Array role = (Reply.Array) primary.execute("ROLE");
                assertEquals("master", text(role.items().get(0)));
                Reply.Array rrole = (Reply.Array) tcp.execute("ROLE");
                assertEquals("slave", text(rrole.items().get(0)));
                assertEquals("connected", text(rrole.items().get(3)));
                Reply.Array waitaof = (Reply.Array) primary.execute("WAITAOF", "0", "1", "5000");
                assertEquals(new Reply.Int(1), waitaof.items().get(1));
                assertEquals("-ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a"
                        + " replica is configured to be writable (which is not the default) writes to replicas are just"
                        + " local and are not propagated.", text(tcp.execute("WAIT", "1", "0")));
            }
        }
    }

    @Test
    void waitTimesOutWithTheCountOfReplicasThatAcked() {
        try (Vellum primary = Vellum.open(tmp.resolve("p"))) {
            primary.execute("SET", "k", "v");
            long t0 = System.nanoTime();
            assertEquals(new Reply.Int(0), primary.execute("WAIT", "1", "100"));
            assertTrue(System.nanoTime() - t0 >= 90_000_000L);
            assertEquals(new Reply.Int(0), primary.execute("WAIT", "0", "0"));
            assertEquals("-ERR timeout is negative", text(primary.execute("WAIT", "1", "-1")));
            assertEquals("-ERR value is out of range, must be positive", text(primary.execute("WAITAOF", "-1", "0", "0")));
        }
    }

    @Test
    void replicaRestartsAndContinuesFromItsOwnLog() {
        try (Vellum primary = Vellum.open(tmp.resolve("p"))) {
            RespServer ps = primary.serve(0);
            Vellum tcp = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
            Vellum same = Vellum.builder().dir(tmp.resolve("f")).followDir(tmp.resolve("p")).open();
            for (int i = 0; i < 100; i++) {
                primary.execute("INCR", "c");
            }
            awaitCaughtUp(primary, tcp, 5000);
            awaitCaughtUp(primary, same, 5000);
            tcp.close();
            same.close();
            for (int i = 0; i < 100; i++) {
                primary.execute("INCR", "c");
            }
            tcp = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
            same = Vellum.builder().dir(tmp.resolve("f")).followDir(tmp.resolve("p")).open();
            assertEquals(100, tcp.replication().offset() >= 100 ? 100 : -1, "the replica's log kept its position");
            awaitCaughtUp(primary, tcp, 5000);
            awaitCaughtUp(primary, same, 5000);
            assertEquals("200", text(tcp.execute("GET", "c")));
            assertEquals("200", text(same.execute("GET", "c")));
            tcp.close();
            same.close();
        }
    }

    @Test
    void promotedReplicaStartsANewLogThatTheOldPrimaryCanFollow() {
        Vellum primary = Vellum.open(tmp.resolve("p"));
        RespServer ps = primary.serve(0);
        Vellum replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
        RespServer rs = replica.serve(0);
        try {
            for (int i = 0; i < 50; i++) {
                primary.execute("SET", "k" + i, "v" + i);
            }
            assertEquals(new Reply.Int(1), primary.execute("WAIT", "1", "5000"));
            String oldId = info(primary, "master_replid");
            assertEquals("OK", text(replica.execute("REPLICAOF", "NO", "ONE")));
            assertEquals("master", info(replica, "role"));
            assertEquals(oldId, info(replica, "master_replid2"));
            assertTrue(!oldId.equals(info(replica, "master_replid")));
            replica.execute("SET", "after-promotion", "1");
            assertEquals("OK", text(primary.execute("REPLICAOF", "127.0.0.1", Integer.toString(rs.port()))));
            await("old primary to follow", 5000, () -> "1".equals(text(primary.execute("GET", "after-promotion"))));
            assertEquals(new Reply.Int(1), replica.execute("WAIT", "1", "5000"));
            assertSameData(replica, primary);
        } finally {
            replica.close();
            primary.close();
        }
    }

    @Test
    void oldPrimaryThatWroteAfterThePromotionIsResyncedNotMerged() {
        Vellum primary = Vellum.open(tmp.resolve("p"));
        RespServer ps = primary.serve(0);
        Vellum replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
        RespServer rs = replica.serve(0);
        try {
            primary.execute("SET", "a", "1");
            assertEquals(new Reply.Int(1), primary.execute("WAIT", "1", "5000"));
            replica.execute("REPLICAOF", "NO", "ONE");
            primary.execute("SET", "only-on-old-primary", "1"); // diverges
            replica.execute("SET", "only-on-new-primary", "1");
            primary.execute("REPLICAOF", "127.0.0.1", Integer.toString(rs.port()));
            await("the old primary to resync", 10_000, () -> "1".equals(text(primary.execute("GET", "only-on-new-primary")))
                    && "up".equals(info(primary, "master_link_status")));
            assertEquals(new Reply.Int(0), primary.execute("EXISTS", "only-on-old-primary"), "its own history is dropped, never merged");
            assertEquals(info(replica, "master_replid"), info(primary, "master_replid"));
            assertSameData(replica, primary);
        } finally {
            replica.close();
            primary.close();
        }
    }
}
