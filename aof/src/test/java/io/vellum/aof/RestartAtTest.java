package io.vellum.aof;

import static io.vellum.core.TestStore.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A replica's full resync drops the log and continues its serials from the primary's: restartAt. */
class RestartAtTest {
    @TempDir
    Path dir;

    List<Long> serials() throws Exception {
        List<Long> out = new ArrayList<>();
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir)); LogScanner s = new LogScanner(q)) {
            s.seekAfter(-1);
            while (s.next()) {
                out.add(s.serial());
            }
        }
        return out;
    }

    @Test
    void theRestartedLogHoldsOnlyNewRecordsNumberedAfterTheGivenSerial() throws Exception {
        try (LogStore s = LogStore.open(dir)) {
            for (int i = 0; i < 5; i++) {
                assertEquals(OK, s.client.call("SET", "k" + i, "v"));
            }
            assertEquals(5, s.log.lastSerial());
            s.log.restartAt(41);
            assertEquals(41, s.log.lastSerial());
            assertEquals(-1, s.log.lastPosition());
            assertEquals(OK, s.client.call("SET", "after", "1"));
            assertEquals(OK, s.client.call("SET", "after", "2"));
            assertEquals(43, s.log.lastSerial());
            s.log.sync();
        }
        assertEquals(List.of(42L, 43L), serials());
        try (LogStore s = LogStore.open(dir)) {
            assertEquals(43, s.log.lastSerial(), "a reopened log continues the restarted numbering");
            assertEquals(OK, s.client.call("SET", "more", "1"));
            assertEquals(44, s.log.lastSerial());
        }
    }
}
