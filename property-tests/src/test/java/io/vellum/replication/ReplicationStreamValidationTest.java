package io.vellum.replication;

import static io.vellum.replication.ReplicaTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.Vellum;
import java.io.BufferedReader;
import java.io.DataOutputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replica accepts only well-formed records: a fake primary that completes the handshake
 * and then sends garbage, an oversized frame or a record with a broken checksum gets its link
 * dropped, with the reason in INFO, and nothing applied.
 */
class ReplicationStreamValidationTest {
    @TempDir
    Path tmp;

    private void fakePrimary(Consumer<DataOutputStream> stream, String expectedError) throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    readCommand(in); // REPLCONF listening-port
                    out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
                    readCommand(in); // VELLUM.PSYNC
                    out.write(("+CONTINUE " + "ab".repeat(20) + " 0\r\n").getBytes(StandardCharsets.US_ASCII));
                    stream.accept(out);
                    out.flush();
                    Thread.sleep(2000);
                } catch (Exception e) {
                    // the replica dropped the link: expected
                }
            });
            t.start();
            try (Vellum replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", server.getLocalPort()).open()) {
                await("the link to be dropped with the reason", 10_000, () -> {
                    String e = replica.replication().lastError();
                    return e != null && e.contains(expectedError);
                });
                assertEquals(0, replica.replication().offset());
                assertEquals(ReplicaTestSupport.digest(Vellum.inMemory()), ReplicaTestSupport.digest(replica));
            }
            t.join();
        }
    }

    private static void readCommand(BufferedReader in) throws Exception {
        String header = in.readLine();
        int n = Integer.parseInt(header.substring(1));
        for (int i = 0; i < 2 * n; i++) {
            in.readLine();
        }
    }

    @Test
    void garbageIsNotARecord() throws Exception {
        fakePrimary(out -> write(out, 12, "not a record".getBytes(StandardCharsets.US_ASCII)), "not well-formed");
    }

    @Test
    void anOversizedFrameIsRefused() throws Exception {
        fakePrimary(out -> write(out, Integer.MAX_VALUE, new byte[0]), "not a record");
    }

    @Test
    void aRecordWithABrokenChecksumIsRefused() throws Exception {
        io.vellum.aof.RecordCodec codec = new io.vellum.aof.RecordCodec();
        int n = codec.encode(new io.vellum.core.spi.UnitRecord(io.vellum.core.spi.UnitRecord.Kind.COMMAND, 0, 2,
                1_700_000_000_000_000L, 1, java.util.List.<byte[][]>of(new byte[][] {"SET".getBytes(), "k".getBytes(),
                "v".getBytes()}), 0), 1);
        byte[] b = java.util.Arrays.copyOf(codec.buffer(), n);
        b[10] ^= 1;
        fakePrimary(out -> write(out, n, b), "checksum mismatch");
    }

    private static void write(DataOutputStream out, int len, byte[] b) {
        try {
            out.writeInt(len);
            out.write(b);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
