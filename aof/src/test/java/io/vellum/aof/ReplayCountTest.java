package io.vellum.aof;

import static io.vellum.core.TestStore.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay's count of the records after the base (for its progress report), over several hourly
 * files: counted from the base's file on, it is the number of records that follow the base.
 */
class ReplayCountTest {
    @TempDir
    Path dir;

    @Test
    void theRecordsAfterAnyBaseAreCountedAcrossFiles() throws Exception {
        SetTimeProvider time = new SetTimeProvider(1_700_000_000_000L * 1_000_000L);
        try (LogStore s = LogStore.open(dir, o -> o.time(time))) {
            for (int f = 0; f < 4; f++) {
                for (int i = 0; i < 3 + f; i++) {
                    assertEquals(OK, s.client.call("SET", "k" + f + "-" + i, "v"));
                }
                time.advanceMillis(CycleFilesTest.HOUR);
            }
        }
        List<Long> positions = new ArrayList<>();
        try (SingleChronicleQueue q = LogFiles.openReadOnly(LogFiles.aofDir(dir)); LogScanner sc = new LogScanner(q)) {
            sc.seekAfter(-1);
            while (sc.next()) {
                positions.add(sc.position());
            }
            assertEquals(3 + 4 + 5 + 6, positions.size());
            assertEquals(positions.size(), Replay.countRecords(q, -1), "no base: every record");
            for (int i = 0; i < positions.size(); i++) {
                assertEquals(positions.size() - 1 - i, Replay.countRecords(q, positions.get(i)), "after record " + i);
            }
        }
    }
}
