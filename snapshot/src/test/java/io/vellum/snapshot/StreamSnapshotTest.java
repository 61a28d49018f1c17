package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.TestStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams survive a snapshot exactly: entries, tombstones and node layout (what the next ~
 * trim removes), last/first/max-deleted IDs, entries-added, and the consumer groups with
 * their consumers, pending entries and times.
 */
class StreamSnapshotTest {
    @TempDir
    Path dir;

    private TestStore writer;

    @AfterEach
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    private static final String[][] READS = {
        {"XINFO", "STREAM", "s", "FULL", "COUNT", "0"}, {"XINFO", "GROUPS", "s"}, {"XINFO", "CONSUMERS", "s", "g"},
        {"XPENDING", "s", "g", "-", "+", "1000"}, {"XINFO", "STREAM", "empty"}, {"DEBUG", "DIGEST"}};

    @Test
    void aLoadedStreamAnswersAsTheStreamThatWasSaved() {
        writer = SnapshotFileTest.store(dir);
        TestStore.Client c = writer.client();
        for (int i = 1; i <= 330; i++) {
            c.call("XADD", "s", "*", "f", "v" + i, "n", Integer.toString(i));
        }
        c.call("XDEL", "s", writer.micros.get() / 1000 + "-5");
        c.call("XTRIM", "s", "MAXLEN", "300");
        c.call("XGROUP", "CREATE", "s", "g", "0");
        c.call("XGROUP", "CREATE", "s", "h", "$", "ENTRIESREAD", "7");
        c.call("XREADGROUP", "GROUP", "g", "c1", "COUNT", "10", "STREAMS", "s", ">");
        writer.advanceMillis(25);
        c.call("XREADGROUP", "GROUP", "g", "c2", "COUNT", "4", "STREAMS", "s", ">");
        c.call("XGROUP", "CREATECONSUMER", "s", "g", "idle");
        c.call("XADD", "empty", "1-1", "f", "v");
        c.call("XDEL", "empty", "1-1");
        c.call("XSETID", "empty", "5-0", "ENTRIESADDED", "9", "MAXDELETEDID", "3-0");
        assertEquals(TestStore.OK, c.call("SAVE"));
        try (TestStore st = SnapshotFileTest.loaded(dir)) {
            st.micros.set(writer.micros.get());
            TestStore.Client l = st.client();
            for (String[] read : READS) {
                assertEquals(c.call(read), l.call(read), String.join(" ", read));
            }
            assertEquals(c.call("XTRIM", "s", "MAXLEN", "~", "150"), l.call("XTRIM", "s", "MAXLEN", "~", "150"));
            assertEquals(c.call("XADD", "s", "*", "f", "new"), l.call("XADD", "s", "*", "f", "new"));
            assertEquals(c.call("XINFO", "STREAM", "s"), l.call("XINFO", "STREAM", "s"));
        }
    }
}
