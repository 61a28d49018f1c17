package io.vellum.server.crashtest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a crash test's rounds go, per restart: wall time of each step (the standby's JVM start
 * and warm-up, waiting for it after the kill, store open and recovery, listening, first reply,
 * the checks) and CPU time (the server's warm-up, its recovery, its serving the load; this
 * process's checks). CPU time is what a loaded machine changes least: it says what a restart
 * costs, where wall times also say what else ran.
 */
final class RestartTimeline {
    private final Map<String, List<Long>> steps = new LinkedHashMap<>();
    private long rounds;

    void add(String step, long millis) {
        if (millis >= 0) {
            steps.computeIfAbsent(step, k -> new ArrayList<>()).add(millis);
        }
    }

    void round() {
        rounds++;
    }

    private static final Pattern READY = Pattern.compile("standby: ready (\\d+) ms after the JVM started \\(warm-up (\\d+) ms\\)");
    private static final Pattern TIMELINE = Pattern.compile(Standby.TIMELINE + " (\\d+) (\\d+)");

    /** Reads the server's own timings from its output: JVM start to main, warm-up, go to open, open to listening. */
    void readServerOutput(Path serverLog) throws IOException {
        for (String line : Files.readAllLines(serverLog, StandardCharsets.ISO_8859_1)) {
            Matcher m = READY.matcher(line);
            if (m.find()) {
                long ready = Long.parseLong(m.group(1));
                long warm = Long.parseLong(m.group(2));
                add("jvm start to main (wall)", ready - warm);
                add("standby warm-up (wall)", warm);
            }
            m = TIMELINE.matcher(line);
            if (m.find()) {
                add("go to store open: recovery (wall)", Long.parseLong(m.group(1)));
                add("store open to listening (wall)", Long.parseLong(m.group(2)));
            }
        }
    }

    /** The values of one step, in round order. */
    List<Long> values(String step) {
        return steps.getOrDefault(step, List.of());
    }

    /** The mean of the first (or last) quarter of {@code v}: whether a step grows as the run goes on. */
    static double quarterMean(List<Long> v, boolean last) {
        int n = Math.max(1, v.size() / 4);
        List<Long> q = last ? v.subList(Math.max(0, v.size() - n), v.size()) : v.subList(0, Math.min(n, v.size()));
        return q.stream().mapToLong(Long::longValue).average().orElse(0);
    }

    void print(PrintStream out) {
        out.printf("restart timeline over %d rounds (ms; p50 / p90 / p99 / mean; mean of the first and of the last"
                + " quarter of the rounds):%n", rounds);
        for (Map.Entry<String, List<Long>> e : steps.entrySet()) {
            List<Long> v = e.getValue();
            double mean = v.stream().mapToLong(Long::longValue).average().orElse(0);
            out.printf("  %-52s %6d %6d %6d %8.1f %8.1f %8.1f%n", e.getKey(), CrashTest.Report.percentile(v, 50),
                    CrashTest.Report.percentile(v, 90), CrashTest.Report.percentile(v, 99), mean, quarterMean(v, false),
                    quarterMean(v, true));
        }
    }
}
