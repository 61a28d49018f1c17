package io.vellum.bench.aof;

import io.vellum.aof.AofOptions;
import io.vellum.aof.AppendOnlyLog;
import io.vellum.aof.FsyncPolicy;
import io.vellum.aof.LogFiles;
import io.vellum.aof.LogScanner;
import io.vellum.aof.Replay;
import io.vellum.aof.ReplayProgress;
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
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Replay speed in records per second (target: at least a million simple records/s): a log of
 * {@value #RECORDS} {@code SET key value} records over 100,000 keys, replayed from the start.
 * {@code replay} is what recovery does (read, check, decode, run each record through the
 * engine into a fresh keyspace, compare its digest); {@code scan} only reads, checks and
 * decodes, to show what the log's part of it costs. Scores are records/s.
 *
 * <pre>java $(cat server/target/jvm.flags) -jar benchmarks/target/benchmarks.jar Replay</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReplayBenchmark {
    static final int RECORDS = 1_000_000;

    private Path dir;
    private SingleChronicleQueue queue;

    @Setup(Level.Trial)
    public void writeLog() throws IOException {
        dir = Files.createTempDirectory("vellum-replay-bench");
        Engine engine = Engine.builder().seed(1).build();
        AppendOnlyLog.open(engine, AofOptions.of(dir).fsync(FsyncPolicy.NO));
        Session s = engine.openSession(new LocalConnection(2, replies -> { }, "bench"));
        byte[] value = "a-value-of-some-length".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < RECORDS; i++) {
            engine.submit(s, List.<byte[][]>of(new byte[][] {
                    {'S', 'E', 'T'}, ("key:" + (i % 100_000)).getBytes(StandardCharsets.US_ASCII), value}));
        }
        engine.close();
        queue = LogFiles.openReadOnly(LogFiles.aofDir(dir));
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long replay() {
        Engine engine = Engine.builder().seed(2).build();
        Replay.Result r = Replay.run(queue, engine, -1, new ReplayProgress());
        engine.close();
        if (r.records() != RECORDS) {
            throw new IllegalStateException("replayed " + r.records());
        }
        return r.records();
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS)
    public long scan() throws Exception {
        long n = 0;
        try (LogScanner s = new LogScanner(queue)) {
            s.seekAfter(-1);
            while (s.next()) {
                n += s.record().commands().size();
            }
        }
        if (n != RECORDS) {
            throw new IllegalStateException("scanned " + n);
        }
        return n;
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        queue.close();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
