package io.vellum.bench.embedded;

import io.vellum.Vellum;
import io.vellum.core.reply.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
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
 * Embedded stock decrement: one EVALSHA of the script that reads the stock, compares it and
 * decrements it (GET, compare, DECRBY) against the same work as two plain commands (GET then
 * DECRBY, not atomic). Both go through the façade ({@code Vellum.execute}); the stock is
 * refilled so every call decrements. {@code store=everysec} logs each decrement.
 *
 * <pre>java $(cat server/target/jvm.flags) -jar benchmarks/target/benchmarks.jar EvalshaBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EvalshaBenchmark {
    static final String DECREMENT = """
            local stock = tonumber(redis.call('GET', KEYS[1]))
            if stock == nil or stock < tonumber(ARGV[1]) then
                return -1
            end
            return redis.call('DECRBY', KEYS[1], ARGV[1])""";
    private static final byte[] KEY = "stock:42".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ONE = {'1'};
    private static final byte[] HUGE = "1000000000000000".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVALSHA = "EVALSHA".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] GET = {'G', 'E', 'T'};
    private static final byte[] DECRBY = "DECRBY".getBytes(StandardCharsets.US_ASCII);

    @Param({"memory", "everysec"})
    public String store;

    private Path dir;
    private Vellum vellum;
    private byte[] sha;

    @Setup(Level.Trial)
    public void open() throws IOException {
        if (store.equals("memory")) {
            vellum = Vellum.inMemory();
        } else {
            dir = Files.createTempDirectory("vellum-evalsha-bench");
            vellum = Vellum.open(dir);
        }
        vellum.execute("SET".getBytes(StandardCharsets.US_ASCII), KEY, HUGE);
        Reply r = vellum.execute("SCRIPT", "LOAD", DECREMENT);
        sha = ((Reply.Bulk) r).value();
    }

    /** The script: GET, compare, DECRBY in one atomic unit. */
    @Benchmark
    public Reply evalshaDecrement() {
        return vellum.execute(EVALSHA, sha, ONE, KEY, ONE);
    }

    /** The same reads and writes as two commands (two units, not atomic). */
    @Benchmark
    public Reply getThenDecrby() {
        Reply stock = vellum.execute(GET, KEY);
        if (stock instanceof Reply.Bulk) {
            return vellum.execute(DECRBY, KEY, ONE);
        }
        return stock;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        vellum.close();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
