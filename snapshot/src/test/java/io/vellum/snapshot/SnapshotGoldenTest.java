package io.vellum.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.TestStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is on disk is frozen (STYLE.md 5): a snapshot written by format version 1 (every type and
 * encoding, TTLs, three databases, holes in sequence numbers) is checked in with what a client
 * read from the store that wrote it, and every later build must load it to the same answers.
 *
 * <p>Regenerate only when adding a new golden file for a new format version (never overwrite an
 * old one): {@code -Dvellum.snapshot.writeGolden=true}.
 */
class SnapshotGoldenTest {
    private static final Path GOLDEN = Path.of("src/test/resources/golden");
    private static final String FILE = "snapshot-v1.vsnap";
    private static final String DUMP = "snapshot-v1.dump.txt";

    @TempDir
    Path dir;

    @Test
    void theVersion1GoldenSnapshotLoadsToTheSameAnswers() throws Exception {
        if (Boolean.getBoolean("vellum.snapshot.writeGolden")) {
            writeGolden();
        }
        Path snaps = SnapshotFormat.directory(dir);
        Files.createDirectories(snaps);
        Files.copy(GOLDEN.resolve(FILE), snaps.resolve(SnapshotFormat.fileName(1)));
        List<String> expected = Files.readAllLines(GOLDEN.resolve(DUMP), StandardCharsets.ISO_8859_1);
        try (TestStore st = SnapshotFileTest.loaded(dir)) {
            assertEquals(expected, SnapshotFileTest.dump(st));
        }
    }

    private void writeGolden() throws Exception {
        Path store = dir.resolve("writer");
        try (TestStore st = SnapshotFileTest.store(store)) {
            TestStore.Client c = st.client();
            Datasets.populate(c::call, 1, false);
            c.call("SAVE");
            Files.createDirectories(GOLDEN);
            Files.copy(SnapshotFormat.snapshots(SnapshotFormat.directory(store)).get(0), GOLDEN.resolve(FILE),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.write(GOLDEN.resolve(DUMP), SnapshotFileTest.dump(st), StandardCharsets.ISO_8859_1);
        }
    }
}
