package io.vellum.replication;

import static io.vellum.replication.ReplicaTestSupport.await;
import static io.vellum.replication.ReplicaTestSupport.awaitCaughtUp;
import static io.vellum.replication.ReplicaTestSupport.info;
import static io.vellum.replication.ReplicaTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.Vellum;
import io.vellum.server.RespServer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A primary with requirepass: a replica with the right masterauth follows it, one without is refused and says why. */
class ReplicationAuthTest {
    @TempDir
    Path tmp;

    @Test
    void replicasAuthenticateWithMasterauth() {
        try (Vellum primary = Vellum.builder().dir(tmp.resolve("p")).configure(c -> c.requirepass.set("s3cret")).open()) {
            RespServer ps = primary.serve(0);
            primary.execute("AUTH", "s3cret");
            primary.execute("SET", "k", "v");
            try (Vellum without = Vellum.builder().dir(tmp.resolve("a")).replicaOf("127.0.0.1", ps.port()).open();
                 Vellum with = Vellum.builder().dir(tmp.resolve("b")).replicaOf("127.0.0.1", ps.port())
                         .masterauth("s3cret").open()) {
                awaitCaughtUp(primary, with, 10_000);
                assertEquals("v", text(with.execute("GET", "k")));
                await("the refused replica to say why", 10_000, () -> {
                    String e = info(without, "vellum_replication_error");
                    return e != null && e.contains("NOAUTH") && e.contains("masterauth");
                });
                assertEquals("down", info(without, "master_link_status"));
                assertEquals(0, without.replication().offset());
            }
        }
    }

    @Test
    void theReplicationHandshakeIsRefusedBeforeAuthentication() throws Exception {
        try (Vellum primary = Vellum.builder().dir(tmp.resolve("p")).configure(c -> c.requirepass.set("pw")).open()) {
            RespServer ps = primary.serve(0);
            try (var s = new java.net.Socket("127.0.0.1", ps.port())) {
                s.getOutputStream().write("VELLUM.PSYNC ? 0\r\n".getBytes());
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
                assertEquals("-NOAUTH Authentication required.", in.readLine());
            }
        }
    }
}
