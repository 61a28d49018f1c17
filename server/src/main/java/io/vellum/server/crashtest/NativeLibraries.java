package io.vellum.server.crashtest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The native libraries of JNA (Chronicle's thread affinity) and jffi (jnr-ffi: Chronicle's and
 * the log's posix calls), taken out of their jars once per crash test directory: without,
 * every server JVM inflates both from the jars into a new temporary file and loads that (seen
 * with strace: {@code /tmp/jffi*.so}, {@code ~/.cache/JNA/temp/jna*.tmp}, each start). With
 * {@code jna.boot.library.path} and {@code jffi.boot.library.path} the libraries load the same
 * bytes from here, mapped from the page cache by every server.
 */
final class NativeLibraries {
    private NativeLibraries() {
    }

    /**
     * The JVM flags that load the libraries from {@code dir} (made once), or none for a library
     * whose resource this platform's jars lack (it then extracts itself, as before).
     */
    static List<String> flags(Path dir) throws IOException {
        List<String> flags = new ArrayList<>();
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        if (!os.startsWith("linux")) {
            return flags;
        }
        String cpu = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : arch;
        String jnaDir = cpu.equals("x86_64") ? "linux-x86-64" : "linux-" + arch;
        if (extract("com/sun/jna/" + jnaDir + "/libjnidispatch.so", dir)) {
            flags.add("-Djna.boot.library.path=" + dir);
        }
        if (extract("jni/" + cpu + "-Linux/libjffi-1.2.so", dir)) {
            flags.add("-Djffi.boot.library.path=" + dir);
        }
        return flags;
    }

    /** Copies the classpath resource into {@code dir} unless it is there; false if there is no such resource. */
    private static boolean extract(String resource, Path dir) throws IOException {
        Path target = dir.resolve(resource.substring(resource.lastIndexOf('/') + 1));
        if (Files.isRegularFile(target)) {
            return true;
        }
        try (InputStream in = ClassLoader.getSystemResourceAsStream(resource)) {
            if (in == null) {
                return false;
            }
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "lib", ".tmp");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return true;
        }
    }
}
