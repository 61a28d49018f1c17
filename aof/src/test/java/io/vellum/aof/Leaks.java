package io.vellum.aof;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a test leaves open: files under a directory (descriptors and memory mappings of this
 * process, from /proc) and threads. Chronicle's two process-wide daemon threads (the disk
 * space monitor and the background resource releaser) are not the test's to close.
 */
final class Leaks {
    private Leaks() {
    }

    static List<String> openFilesUnder(Path dir) throws IOException {
        String prefix = dir.toAbsolutePath().toString();
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith(prefix)) {
                        out.add("fd " + fd.getFileName() + " -> " + target);
                    }
                } catch (IOException ignored) {
                    // closed while listing
                }
            }
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains(prefix)) {
                out.add("mapped " + line);
            }
        }
        return out;
    }

    static Set<String> threads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(n -> !n.startsWith("disk~monitor") && !n.contains("background~resource~releaser"))
                .collect(Collectors.toSet());
    }
}
