package io.vellum.bench.aof;

import io.vellum.aof.AofOptions;
import io.vellum.aof.AppendOnlyLog;
import io.vellum.aof.FsyncPolicy;
import io.vellum.core.engine.Engine;
import io.vellum.core.engine.LocalConnection;
import io.vellum.core.engine.Session;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the log adds to a write unit with {@code appendfsync everysec} (target: under 1 µs):
 * a {@code SET key value} run through the engine's whole client path (submit, unit, reply,
 * batch end) on an engine that is not started (so on the benchmark thread, no queue hand-off),
 * once without a log ({@code memory}) and once with the real log ({@code everysec}). The
 * difference of the two averages is the log's cost per unit: encoding the record, appending
 * it to Chronicle, the space-reservation check. The sync itself runs on the log's background
 * thread.
 *
 * <pre>java $(cat server/target/jvm.flags) -jar benchmarks/target/benchmarks.jar AppendCost</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AppendCostBenchmark {
    @Param({"memory", "everysec"})
    public String log;

    private Path dir;
    private Engine engine;
    private Session session;
    private List<byte[][]>[] units;
    private int next;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void open() throws IOException {
        engine = Engine.builder().seed(1).build();
        if (log.equals("everysec")) {
            dir = Files.createTempDirectory("vellum-append-bench");
            AppendOnlyLog.open(engine, AofOptions.of(dir).fsync(FsyncPolicy.EVERYSEC));
        }
        session = engine.openSession(new LocalConnection(2, replies -> { }, "bench"));
        units = new List[1024];
        byte[] value = "a-value-of-some-length".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < units.length; i++) {
            units[i] = List.<byte[][]>of(new byte[][] {
                    {'S', 'E', 'T'}, ("key:" + i).getBytes(StandardCharsets.US_ASCII), value});
        }
    }

    @Benchmark
    public void set() {
        engine.submit(session, units[next++ & (units.length - 1)]);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        engine.close();
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
