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
 * Embedded throughput of SET, GET and INCR through the public façade ({@code Vellum.execute}),
 * the way an application that embeds Vellum calls it: each call is a unit handed to the engine
 * thread and waited for. {@code store=memory} is {@link Vellum#inMemory()}, {@code
 * store=everysec} is {@link Vellum#open} on a temporary directory (the durable default).
 * Run with several threads ({@code -t 4}) to see the engine batch units from many callers.
 *
 * <pre>java $(cat server/target/jvm.flags) -jar benchmarks/target/benchmarks.jar EmbeddedCommands</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EmbeddedCommandsBenchmark {
    private static final int KEYS = 1 << 16;

    @Param({"memory", "everysec"})
    public String store;

    private Path dir;
    private Vellum vellum;
    private byte[][] keys;
    private final byte[] value = "a-value-of-some-length".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SET = {'S', 'E', 'T'};
    private static final byte[] GET = {'G', 'E', 'T'};
    private static final byte[] INCR = {'I', 'N', 'C', 'R'};

    /** Each benchmark thread walks the key space from its own offset. */
    @State(Scope.Thread)
    public static class Cursor {
        int next = (int) (Thread.currentThread().getId() * 7919);

        int take() {
            return next++ & (KEYS - 1);
        }
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        if (store.equals("memory")) {
            vellum = Vellum.inMemory();
        } else {
            dir = Files.createTempDirectory("vellum-embedded-bench");
            vellum = Vellum.open(dir);
        }
        keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
            vellum.execute(SET, keys[i], value);
        }
    }

    @Benchmark
    public Reply set(Cursor c) {
        return vellum.execute(SET, keys[c.take()], value);
    }

    @Benchmark
    public Reply get(Cursor c) {
        return vellum.execute(GET, keys[c.take()]);
    }

    @Benchmark
    public Reply incr(Cursor c) {
        return vellum.execute(INCR, ("counter:" + (c.take() & 1023)).getBytes(StandardCharsets.US_ASCII));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        vellum.close();
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
