package io.vellum.bench.types;

import io.vellum.core.types.StreamValue;
import io.vellum.core.types.stream.StreamEntry;
import io.vellum.core.types.stream.StreamId;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Stream operations on 10^3 and 10^6 entries (the type API, without the engine): appending
 * at the tail (XADD), reading 10 entries from a random ID (XRANGE/XREAD) and finding one
 * random ID (the lookup of XDEL, XCLAIM, XAUTOCLAIM). Redis's costs are O(1) for the append
 * and O(log n) (+ the entries read) for the others; the per-operation cost here must not grow
 * faster than that from 10^3 to 10^6 (beyond what cache misses add to the larger stream).
 *
 * <pre>java $(cat server/target/jvm.flags) -jar benchmarks/target/benchmarks.jar StreamBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class StreamBenchmark {
    @Param({"1000", "1000000"})
    public int size;

    private StreamValue stream;
    private long nextMs;
    private long probe;
    private final byte[][] fields = {"field".getBytes(StandardCharsets.US_ASCII), "value-1234".getBytes(StandardCharsets.US_ASCII)};

    @Setup(Level.Trial)
    public void fill() {
        stream = StreamValue.create();
        for (nextMs = 1; nextMs <= size; nextMs++) {
            stream.append(new StreamId(nextMs, 0), fields, 4096, 100);
        }
    }

    @Benchmark
    public void append() {
        stream.append(new StreamId(nextMs++, 0), fields, 4096, 100);
    }

    @Benchmark
    public void rangeOfTenFromTheMiddle(Blackhole bh) {
        probe = (probe * 6364136223846793005L + 1442695040888963407L);
        long from = 1 + Long.remainderUnsigned(probe, size);
        Iterator<StreamEntry> it = stream.range(new StreamId(from, 0), StreamId.MAX, false);
        for (int i = 0; i < 10 && it.hasNext(); i++) {
            bh.consume(it.next());
        }
    }

    @Benchmark
    public boolean lookup() {
        probe = (probe * 6364136223846793005L + 1442695040888963407L);
        return stream.exists(new StreamId(1 + Long.remainderUnsigned(probe, size), 0));
    }
}
