package io.vellum.replication;

import static io.vellum.replication.ReplicaTestSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * and then sends garbage, an oversized frame, a negative length other than an ack request's or a
 * record with a broken checksum gets its link dropped, with the reason in INFO, and nothing
 * applied. An ack request (length -1) is answered as soon as the records before it are applied.
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
                    continueFromZero(in, out);
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

    /** The fake primary's side of the handshake: +OK to REPLCONF listening-port, +CONTINUE after record 0. */
    private static void continueFromZero(BufferedReader in, DataOutputStream out) throws Exception {
        readCommand(in); // REPLCONF listening-port
        out.write("+OK\r\n".getBytes(StandardCharsets.US_ASCII));
        readCommand(in); // VELLUM.PSYNC
        out.write(("+CONTINUE " + "ab".repeat(20) + " 0\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static java.util.List<String> readCommand(BufferedReader in) throws Exception {
        String header = in.readLine();
        int n = Integer.parseInt(header.substring(1));
        java.util.List<String> args = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            in.readLine(); // $length
            args.add(in.readLine());
        }
        return args;
    }

    @Test
    void aNegativeLengthOtherThanAnAckRequestIsRefused() throws Exception {
        fakePrimary(out -> write(out, -2, new byte[0]), "not a record");
    }

    /** Reads commands until a REPLCONF ACK; returns its applied serial. */
    private static long readAck(BufferedReader in) throws Exception {
        while (true) {
            java.util.List<String> c = readCommand(in);
            if (c.size() >= 3 && c.get(0).equalsIgnoreCase("REPLCONF") && c.get(1).equalsIgnoreCase("ACK")) {
                return Long.parseLong(c.get(2));
            }
        }
    }

    @Test
    void anAckRequestIsAnsweredAsSoonAsTheRecordsBeforeItAreApplied() throws Exception {
        // three real records (serials 1-3) to stream from a fake primary
        java.util.List<byte[]> records = new java.util.ArrayList<>();
        try (Vellum source = Vellum.open(tmp.resolve("source"))) {
            source.execute("SET", "a", "1");
            source.execute("SET", "b", "2");
            source.execute("SET", "c", "3");
        }
        try (LogTail tail = new LogTail(tmp.resolve("source"))) {
            assertEquals(LogTail.Seek.OK, tail.seekAfter(0));
            while (tail.next()) {
                records.add(java.util.Arrays.copyOf(tail.raw(), tail.rawLength()));
            }
        }
        assertEquals(3, records.size());
        long[] answered = new long[4];
        long[] millis = new long[4];
        Throwable[] failed = new Throwable[1];
        java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (ServerSocket server = new ServerSocket(0)) {
            Thread t = new Thread(() -> {
                try (Socket s = server.accept()) {
                    s.setSoTimeout(5000);
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    continueFromZero(in, out);
                    out.flush();
                    answered[0] = readAck(in); // the link came up
                    // record 1 without a request: acked by the periodic ack, which comes a second apart
                    write(out, records.get(0).length, records.get(0));
                    out.flush();
                    long a;
                    while ((a = readAck(in)) < 1) {
                        // acks of where it was
                    }
                    answered[1] = a;
                    // right after a periodic ack: record 2 and a request, answered long before the next one
                    long t0 = System.nanoTime();
                    write(out, records.get(1).length, records.get(1));
                    out.writeInt(-1);
                    out.flush();
                    answered[2] = readAck(in);
                    millis[2] = (System.nanoTime() - t0) / 1_000_000;
                    // a request with nothing to apply: answered at once
                    t0 = System.nanoTime();
                    out.writeInt(-1);
                    out.flush();
                    answered[3] = readAck(in);
                    millis[3] = (System.nanoTime() - t0) / 1_000_000;
                    // record 3 and a request in separate writes: the link stays up and applies it
                    write(out, records.get(2).length, records.get(2));
                    out.flush();
                    out.writeInt(-1);
                    out.flush();
                    while (readAck(in) < 3) {
                        // until the request after record 3 is answered
                    }
                    finished.countDown();
                    release.await(); // the link stays up while the replica is looked at
                } catch (Throwable e) {
                    failed[0] = e;
                    finished.countDown();
                }
            });
            t.start();
            try (Vellum replica = Vellum.builder().dir(tmp.resolve("r")).replicaOf("127.0.0.1", server.getLocalPort()).open()) {
                assertTrue(finished.await(20, java.util.concurrent.TimeUnit.SECONDS), "the fake primary finished");
                if (failed[0] != null) {
                    throw new AssertionError("the fake primary failed (answers so far: "
                            + java.util.Arrays.toString(answered) + ")", failed[0]);
                }
                assertEquals(0, answered[0], "the first ack, when the link came up");
                assertEquals(1, answered[1]);
                assertEquals(2, answered[2], "the request's answer acks the record before it");
                assertTrue(millis[2] < 300, "the request was answered after " + millis[2] + " ms");
                assertEquals(2, answered[3]);
                assertTrue(millis[3] < 300, "a request with nothing to apply was answered after " + millis[3] + " ms");
                assertEquals(3, replica.replication().offset());
                assertEquals(null, replica.replication().lastError(), "the link was not dropped");
                assertEquals("3", ReplicaTestSupport.text(replica.execute("GET", "c")));
            } finally {
                release.countDown();
                t.join(10_000);
            }
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
