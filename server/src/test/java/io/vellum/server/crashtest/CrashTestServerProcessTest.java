package io.vellum.server.crashtest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the crash test starts its servers: their JVM flags, and the class archive's name. */
class CrashTestServerProcessTest {
    @TempDir
    Path dir;

    @Test
    void aServerGetsTheLaunchersFlagsWithoutAgentsRecordingsHeapSizesOrCrashTestProperties() {
        List<String> flags = ServerProcess.jvmFlags(List.of("--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-Dchronicle.analytics.disable=true", "-Xmx8g", "-Dvellum.crashtest.standby=/x",
                "-javaagent:/a.jar", "-XX:StartFlightRecording=filename=/tmp/p.jfr",
                "-XX:FlightRecorderOptions:stackdepth=128", "-XX:SharedArchiveFile=/old.jsa"));
        assertTrue(flags.contains("--add-opens=java.base/java.nio=ALL-UNNAMED"), flags.toString());
        assertTrue(flags.contains("-Dchronicle.analytics.disable=true"), flags.toString());
        for (String dropped : List.of("-Xmx8g", "-Dvellum.crashtest.standby=/x", "-javaagent:/a.jar",
                "-XX:StartFlightRecording=filename=/tmp/p.jfr", "-XX:FlightRecorderOptions:stackdepth=128",
                "-XX:SharedArchiveFile=/old.jsa")) {
            assertFalse(flags.contains(dropped), dropped + " in " + flags);
        }
        // a short-lived JVM's tuning, none of which changes what the server does
        for (String tuning : List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m", "-XX:-UsePerfData",
                "-Djnr.ffi.asm.enabled=false")) {
            assertTrue(flags.contains(tuning), tuning + " not in " + flags);
        }
    }

    @Test
    void theClassArchivesNameChangesWithAJarsContent() throws Exception {
        Path a = Files.writeString(dir.resolve("a.jar"), "one");
        Path b = Files.writeString(dir.resolve("b.jar"), "two");
        String cp = a + File.pathSeparator + b;
        String key = ServerProcess.archiveKey(cp);
        assertEquals(key, ServerProcess.archiveKey(cp), "same jars, same archive");
        Files.writeString(b, "three"); // rebuilt: another size
        String bigger = ServerProcess.archiveKey(cp);
        assertNotEquals(key, bigger);
        Files.writeString(b, "thre3"); // same size, but written later
        Files.setLastModifiedTime(b, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(b).toMillis() + 5000));
        assertNotEquals(bigger, ServerProcess.archiveKey(cp));
    }
}
