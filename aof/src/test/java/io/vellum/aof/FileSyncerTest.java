package io.vellum.aof;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSyncerTest {
    @TempDir
    Path dir;

    @AfterEach
    void unhook() {
        FileSyncer.listener = null;
    }

    /**
     * The engine appends to a file and rolls to the next one while a background sync of the
     * first is running (its force began before the last records): the sync must not stop
     * tracking the first file, or no later sync would ever cover those records.
     */
    @Test
    void aFileLeftWhileASyncRanIsSyncedAgainByTheNextSync() throws Exception {
        Path a = Files.write(dir.resolve("20261207-14.cq4"), new byte[8192]);
        Path b = Files.write(dir.resolve("20261207-15.cq4"), new byte[8192]);
        try (FileSyncer s = new FileSyncer(dir)) {
            s.fileAppeared(a, true);
            s.appended(100);
            s.sync();
            List<Path> synced = new ArrayList<>();
            boolean[] rolled = {false};
            FileSyncer.listener = (file, from, to) -> {
                synced.add(file.getFileName());
                if (!rolled[0] && file.equals(a)) {
                    // during the sync, after a's force: the engine appends to a, then rolls to b
                    rolled[0] = true;
                    s.appended(200);
                    try {
                        s.fileAppeared(b, true);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    s.appended(50);
                }
            };
            s.appended(150);
            s.sync();
            assertTrue(rolled[0]);
            assertEquals(List.of(a.getFileName()), synced);
            synced.clear();
            s.sync();
            assertTrue(synced.contains(a.getFileName()), "the record appended to " + a.getFileName()
                    + " during the last sync is synced by this one: " + synced);
            assertTrue(synced.contains(b.getFileName()));
            synced.clear();
            s.sync();
            assertEquals(List.of(b.getFileName()), synced, "now that nothing was appended meanwhile, a is left");
        }
    }
}
