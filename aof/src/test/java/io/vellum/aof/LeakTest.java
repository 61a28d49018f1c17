package io.vellum.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeakTest {
    @TempDir
    Path dir;

    @Test
    void closingALogReleasesItsFilesAndThreads() throws Exception {
        Set<String> before = Leaks.threads();
        try (LogStore s = LogStore.open(dir)) {
            for (int i = 0; i < 100; i++) {
                s.client.call("SET", "k" + i, "v");
            }
        }
        try (LogStore s = LogStore.open(dir)) {
            s.client.call("SET", "again", "v");
        }
        assertEquals(List.of(), Leaks.openFilesUnder(dir));
        Set<String> after = Leaks.threads();
        after.removeAll(before);
        assertEquals(Set.of(), after);
    }
}
