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
    void theClassArchiveAndTheCommandTableCacheAreNamedToTheServer() {
        Path archive = dir.resolve("cds").resolve("v.jsa");
        List<String> flags = ServerProcess.archiveFlags(archive);
        assertTrue(flags.contains("-XX:SharedArchiveFile=" + archive), flags.toString());
        assertTrue(flags.contains("-Dvellum.command-table-cache=" + dir.resolve("cds")), flags.toString());
        assertEquals(List.of(), ServerProcess.archiveFlags(null));
    }

    @Test
    void theNativeLibrariesAreTakenOutOfTheirJarsOnceAndLoadedFromThere() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && List.of("amd64", "x86_64").contains(System.getProperty("os.arch")), "the jars' x86-64 Linux libraries");
        Path natives = dir.resolve("native");
        List<String> flags = NativeLibraries.flags(natives);
        assertEquals(List.of("-Djna.boot.library.path=" + natives, "-Djffi.boot.library.path=" + natives), flags);
        for (String[] lib : new String[][] {{"libjnidispatch.so", "com/sun/jna/linux-x86-64/libjnidispatch.so"},
                {"libjffi-1.2.so", "jni/x86_64-Linux/libjffi-1.2.so"}}) {
            byte[] expected;
            try (var in = ClassLoader.getSystemResourceAsStream(lib[1])) {
                expected = in.readAllBytes();
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, Files.readAllBytes(natives.resolve(lib[0])), lib[0]);
        }
        var written = Files.getLastModifiedTime(natives.resolve("libjffi-1.2.so"));
        Thread.sleep(20);
        assertEquals(flags, NativeLibraries.flags(natives));
        assertEquals(written, Files.getLastModifiedTime(natives.resolve("libjffi-1.2.so")), "made once");
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
