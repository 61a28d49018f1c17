package io.vellum.snapshot;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** File-system helpers of the snapshot directory. */
final class SnapshotStoreFiles {
    private SnapshotStoreFiles() {
    }

    /** fsyncs a directory, so the names of files created or renamed in it survive a power loss. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
