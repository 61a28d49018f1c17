package io.vellum.replication;

import static io.vellum.replication.ReplicaTestSupport.assertSameData;
import static io.vellum.replication.ReplicaTestSupport.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vellum.Vellum;
import io.vellum.VellumConnection;
import io.vellum.core.reply.Reply;
import io.vellum.server.RespServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PUBLISH is a logged unit: a TCP replica and a same-host follower replay it and their own
 * subscribers receive it; a PUBLISH sent to a replica reaches only that replica's subscribers
 * and stays out of its log (the replica's log is its primary's).
 */
class ReplicaPubSubTest {
    @TempDir
    Path tmp;

    private static Reply.Push message(String channel, String text) {
        return new Reply.Push(List.of(bulk("message"), bulk(channel), bulk(text)));
    }

    private static Reply bulk(String s) {
        return new Reply.Bulk(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void followersDeliverThePrimarysPublishesToTheirSubscribers() throws Exception {
        try (Vellum primary = Vellum.open(tmp.resolve("p"))) {
            RespServer ps = primary.serve(0);
            try (Vellum tcp = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", ps.port()).open();
                 Vellum same = Vellum.builder().dir(tmp.resolve("f")).followDir(tmp.resolve("p")).open();
                 VellumConnection tcpSub = tcp.connect();
                 VellumConnection sameSub = same.connect();
                 VellumConnection pub = primary.connect()) {
                tcpSub.execute("SUBSCRIBE", "news");
                sameSub.execute("SUBSCRIBE", "news");
                assertEquals(new Reply.Int(0), pub.execute("PUBLISH", "news", "from the primary"));
                pub.execute("SET", "k", "v");
                awaitCaughtUp(primary, tcp, 5000);
                awaitCaughtUp(primary, same, 5000);
                assertEquals(message("news", "from the primary"), tcpSub.nextPush(5, TimeUnit.SECONDS));
                assertEquals(message("news", "from the primary"), sameSub.nextPush(5, TimeUnit.SECONDS));

                // a replica's own client publishes: its subscriber hears it, nothing is logged
                try (VellumConnection local = tcp.connect()) {
                    assertEquals(new Reply.Int(1), local.execute("PUBLISH", "news", "local"));
                }
                assertEquals(message("news", "local"), tcpSub.nextPush(5, TimeUnit.SECONDS));
                pub.execute("SET", "k2", "v2");
                awaitCaughtUp(primary, tcp, 5000); // the replica's log still follows the primary's
                assertSameData(primary, tcp);
                assertNull(sameSub.nextPush(100, TimeUnit.MILLISECONDS));
            }
        }
    }
}
