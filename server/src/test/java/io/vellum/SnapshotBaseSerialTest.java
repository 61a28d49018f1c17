package io.vellum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.aof.LogFiles;
import io.vellum.aof.LogScanner;
import io.vellum.core.reply.Reply;
import io.vellum.snapshot.Datasets;
import io.vellum.snapshot.SnapshotFormat;
import io.vellum.snapshot.SnapshotReader;
import io.vellum.snapshot.proto.Header;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot's header names the serial of the log record at its position (base_serial, which
 * anchors recovery's walk to that record): BGSAVEs taken while a client writes each hold the
 * serial the log gives the record at their position, read from the log itself afterwards.
 */
class SnapshotBaseSerialTest {
    @TempDir
    Path dir;

    private static Vellum open(Path d) {
        return Vellum.builder().dir(d).configure(c -> c.save.set(List.of())).open();
    }

    private static byte[][] bytes(String... args) {
        byte[][] out = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            out[i] = args[i].getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    private static String info(VellumConnection c, String field) {
        String text = Datasets.text(c.execute("INFO", "persistence"));
        for (String line : text.split("\r\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1);
            }
        }
        throw new AssertionError("no " + field + " in " + text);
    }

    @Test
    void bgsavesTakenWhileAClientWritesHoldTheSerialOfTheRecordAtTheirPosition() throws Exception {
        List<Header> headers = new ArrayList<>();
        try (Vellum v = open(dir); VellumConnection c = v.connect()) {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            Thread writer = new Thread(() -> {
                try (VellumConnection w = v.connect()) {
                    for (long i = 0; !stop.get(); i++) {
                        List<CompletableFuture<Reply>> inFlight = new ArrayList<>();
                        for (int j = 0; j < 50; j++) {
                            inFlight.add(w.executeAsync(bytes("SET", "k" + (i * 50 + j) % 1000, "v" + i)));
                        }
                        inFlight.forEach(CompletableFuture::join);
                        written.addAndGet(inFlight.size());
                    }
                }
            });
            writer.start();
            try {
                for (int s = 0; s < 6; s++) {
                    long before = written.get();
                    while (written.get() < before + 200) {
                        Thread.sleep(1);
                    }
                    assertEquals(new Reply.Simple("Background saving started"), c.execute("BGSAVE"));
                    long deadline = System.nanoTime() + 60_000_000_000L;
                    while (info(c, "rdb_bgsave_in_progress").equals("1") && System.nanoTime() < deadline) {
                        Thread.sleep(2);
                    }
                    assertEquals("ok", info(c, "rdb_last_bgsave_status"));
                    // retention keeps two: read each header while its file is there
                    List<Path> files = SnapshotFormat.snapshots(SnapshotFormat.directory(dir));
                    headers.add(SnapshotReader.header(files.get(0)));
                }
            } finally {
                stop.set(true);
                writer.join();
            }
        }
        Map<Long, Long> serialAt = new HashMap<>();
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir)); LogScanner s = new LogScanner(q)) {
            s.seekAfter(-1);
            while (s.next()) {
                serialAt.put(s.position(), s.serial());
            }
        }
        for (Header h : headers) {
            Long serial = serialAt.get(h.getLogPosition());
            assertNotNull(serial, "a record at the snapshot's position " + h.getLogPosition());
            assertTrue(h.getBaseSerial() > 0, "the serial is known: " + h);
            assertEquals(serial.longValue(), h.getBaseSerial(), "the serial of the record at " + h.getLogPosition());
        }
        assertEquals(6, headers.stream().map(Header::getLogPosition).distinct().count(), "six snapshots at six positions");
        // and the store reopens from the newest of them, anchored by its serial
        try (Vellum v = open(dir); VellumConnection c = v.connect()) {
            assertEquals(new Reply.Simple("PONG"), c.execute("PING"));
        }
    }
}
