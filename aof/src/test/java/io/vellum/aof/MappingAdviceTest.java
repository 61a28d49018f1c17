package io.vellum.aof;

import static io.vellum.core.TestStore.OK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The appender's mapping of the log is advised for random access (MappingAdvice): the kernel
 * then backs it with single pages, and an always commit writes back only the pages its records
 * touched, not a 2 MB folio readahead grew. Linux shows the advice as "rr" in the mapping's
 * VmFlags in /proc/self/smaps.
 */
class MappingAdviceTest {
    @TempDir
    Path dir;

    @Test
    void theAppendersMappingOfTheLogIsAdvisedForRandomAccess() throws Exception {
        try (LogStore s = LogStore.open(dir, o -> o.fsync(FsyncPolicy.ALWAYS))) {
            assertEquals(OK, s.client.call("SET", "k", "v"));
            String file = LogFiles.cycleFiles(LogFiles.aofDir(dir)).get(0).toAbsolutePath().toString();
            List<String> flags = vmFlagsOf(file);
            assertTrue(!flags.isEmpty(), "the log's file is mapped: " + file);
            assertTrue(flags.stream().anyMatch(f -> List.of(f.split(" ")).contains("rr")),
                    "a mapping of " + file + " has VM_RAND_READ (rr): " + flags);
        }
    }

    /** The VmFlags lines of this process's mappings of {@code file}. */
    private static List<String> vmFlagsOf(String file) throws Exception {
        List<String> out = new ArrayList<>();
        boolean in = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                in = line.endsWith(file);
            } else if (in && line.startsWith("VmFlags:")) {
                out.add(line.substring("VmFlags:".length()).trim());
            }
        }
        return out;
    }
}
