package io.vellum.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The {@code vellum} launcher's heap flags: the heap starts at min(2 GiB, RAM/8) so that a
 * restart loading a large snapshot is not spent in young collections (measured: 1M mixed keys
 * at about 0.6M keys/s from the default start, about 1.0M from this one), unless the user sizes
 * the heap in {@code VELLUM_JAVA_OPTS}; and the JVM accepts what the launcher gives it.
 */
class LauncherHeapFlagsTest {
    private static final Path LAUNCHER = Path.of("").toAbsolutePath().getParent().resolve("vellum");

    private static String heapFlags(String javaOpts) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", LAUNCHER.toString()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("VELLUM_PRINT_HEAP_FLAGS", "1");
        env.remove("VELLUM_JAVA_OPTS");
        if (javaOpts != null) {
            env.put("VELLUM_JAVA_OPTS", javaOpts);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }

    private static long memTotalMb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        throw new IOException("no MemTotal");
    }

    @Test
    void theHeapStartsAtTwoGibibytesOrAnEighthOfTheMemory() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/meminfo")), "reads /proc/meminfo (Linux)");
        String flags = heapFlags(null);
        Matcher m = Pattern.compile("-Xms(\\d+)m").matcher(flags);
        long expected = Math.min(2048, memTotalMb() / 8);
        if (expected < 256) {
            assertFalse(m.find(), "no initial heap on a machine this small: " + flags);
            return;
        }
        assertTrue(m.find(), flags);
        assertEquals(expected, Long.parseLong(m.group(1)), flags);
    }

    @Test
    void aHeapTheUserSizesIsLeftAlone() throws Exception {
        assertFalse(heapFlags("-Xmx1g").contains("-Xms"), "an -Xms above the user's -Xmx would stop the JVM");
        assertFalse(heapFlags("-XX:+UseSerialGC -Xms512m").contains("-Xms2"));
        assertFalse(heapFlags("-XX:MaxRAMPercentage=10").contains("-Xms"));
        assertFalse(heapFlags("-XX:-UseTransparentHugePages").contains("UseTransparentHugePages"));
    }

    @Test
    void theJvmAcceptsTheFlags() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String f : heapFlags(null).split("\\s+")) {
            if (!f.isEmpty()) {
                cmd.add(f);
            }
        }
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertFalse(out.toLowerCase().contains("warning"), out);
    }
}
