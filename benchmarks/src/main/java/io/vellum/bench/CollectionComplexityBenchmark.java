package io.vellum.bench;

import io.vellum.core.engine.Engine;
import io.vellum.core.engine.LocalConnection;
import io.vellum.core.engine.Session;
import io.vellum.core.reply.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Per-operation cost of rank, range, pop and random-pick commands on collections of
 * {@code n} elements (issue 4: "a per-operation cost that grows with n where Redis's does
 * not is a bug"). Compare each benchmark's score at n = 10^3 and n = 10^6.
 *
 * <p>Each command runs through the engine's whole client path (submit, unit, reply, batch
 * end) on an engine that is not started, so on the benchmark thread with no queue hand-off:
 * the score is the command's cost plus a constant dispatch cost.
 *
 * <p>Expected (Redis's complexities): {@code lindexMiddle} and {@code lrangeMiddle} are O(n)
 * in Redis (a quicklist is walked to the offset), everything else is O(1) or O(log n).
 * Pops are measured paired with the push that restores the element, so the collection keeps
 * its size: {@code lpopRpush} is LPOP + RPUSH, {@code zpopminZadd} ZPOPMIN + ZADD,
 * {@code spopSadd} SPOP + SADD.
 *
 * <p>Sample-time mode: compare the medians ({@code p0.50}), which a time slice lost to another
 * process on a busy machine does not move the way it moves an average.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar CollectionComplexity -f 1 -wi 2 -i 3</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CollectionComplexityBenchmark {
    private static final int FILL_BATCH = 1000;
    private static final int CONTROLS = 4096;

    @Param({"1000", "1000000"})
    public int n;

    private Engine engine;
    private Session session;
    private Reply last;
    private int counter;

    private List<byte[][]> lindexMiddle;
    private List<byte[][]> lrangeMiddle;
    private List<byte[][]> hrandfield;
    private List<byte[][]> srandmember;
    private List<byte[][]> zrandmember;
    private List<byte[][]> zrangeMiddle;
    private List<byte[][]> zrankMiddle;
    private List<byte[][]> lpop;
    private List<byte[][]> rpop;
    private List<byte[][]> spop;
    private List<byte[][]> zpopmin;
    /** HGET / SISMEMBER of members in a fixed random order: O(1) lookups, the memory-effect control. */
    private List<byte[][]>[] hgetRandom;
    private List<byte[][]>[] sismemberRandom;

    @Setup(Level.Trial)
    public void fill() {
        engine = Engine.builder().seed(1).build();
        session = engine.openSession(new LocalConnection(2, replies -> last = replies.get(replies.size() - 1), "bench"));
        fill("RPUSH", "list", false);
        fill("HSET", "hash", true);
        fill("SADD", "set", false);
        fillZset();
        String mid = Integer.toString(n / 2);
        String midEnd = Integer.toString(n / 2 + 9);
        lindexMiddle = cmd("LINDEX", "list", mid);
        lrangeMiddle = cmd("LRANGE", "list", mid, midEnd);
        hrandfield = cmd("HRANDFIELD", "hash");
        srandmember = cmd("SRANDMEMBER", "set");
        zrandmember = cmd("ZRANDMEMBER", "zset");
        zrangeMiddle = cmd("ZRANGE", "zset", mid, midEnd);
        zrankMiddle = cmd("ZRANK", "zset", member(n / 2));
        lpop = cmd("LPOP", "list");
        rpop = cmd("RPOP", "list");
        spop = cmd("SPOP", "set");
        zpopmin = cmd("ZPOPMIN", "zset");
        java.util.Random r = new java.util.Random(7);
        hgetRandom = controls("HGET", "hash", r);
        sismemberRandom = controls("SISMEMBER", "set", r);
        run(cmd("LLEN", "list"));
        check("LLEN", n);
    }

    @SuppressWarnings("unchecked")
    private List<byte[][]>[] controls(String command, String key, java.util.Random r) {
        List<byte[][]>[] out = new List[CONTROLS];
        for (int i = 0; i < out.length; i++) {
            out[i] = cmd(command, key, member(r.nextInt(n)));
        }
        return out;
    }

    private void fill(String command, String key, boolean pairs) {
        for (int from = 0; from < n; from += FILL_BATCH) {
            int to = Math.min(n, from + FILL_BATCH);
            List<String> args = new ArrayList<>();
            args.add(command);
            args.add(key);
            for (int i = from; i < to; i++) {
                args.add(member(i));
                if (pairs) {
                    args.add("v" + i);
                }
            }
            run(cmd(args.toArray(new String[0])));
        }
    }

    private void fillZset() {
        for (int from = 0; from < n; from += FILL_BATCH) {
            int to = Math.min(n, from + FILL_BATCH);
            List<String> args = new ArrayList<>();
            args.add("ZADD");
            args.add("zset");
            for (int i = from; i < to; i++) {
                args.add(Integer.toString(i));
                args.add(member(i));
            }
            run(cmd(args.toArray(new String[0])));
        }
    }

    private void check(String what, long expected) {
        if (!(last instanceof Reply.Int i) || i.value() != expected) {
            throw new IllegalStateException(what + " answered " + last + ", expected " + expected);
        }
    }

    private static String member(int i) {
        return "member:" + i;
    }

    private static List<byte[][]> cmd(String... args) {
        byte[][] argv = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            argv[i] = args[i].getBytes(StandardCharsets.US_ASCII);
        }
        return List.<byte[][]>of(argv);
    }

    private Reply run(List<byte[][]> command) {
        engine.submit(session, command);
        return last;
    }

    /** The element a pop answered, to push it back (a bulk, or the first bulk of an array). */
    private static byte[] element(Reply r) {
        if (r instanceof Reply.Bulk b) {
            return b.value();
        }
        if (r instanceof Reply.Array a && !a.items().isEmpty() && a.items().get(0) instanceof Reply.Bulk b) {
            return b.value();
        }
        throw new IllegalStateException("not an element: " + r);
    }

    // ------------------------------------------------------------------ lists

    @Benchmark
    public Reply lindexMiddle() {
        return run(lindexMiddle);
    }

    @Benchmark
    public Reply lrangeMiddle() {
        return run(lrangeMiddle);
    }

    @Benchmark
    public Reply lpopRpush() {
        byte[] e = element(run(lpop));
        return run(List.<byte[][]>of(new byte[][] {{'R', 'P', 'U', 'S', 'H'}, {'l', 'i', 's', 't'}, e}));
    }

    @Benchmark
    public Reply rpopLpush() {
        byte[] e = element(run(rpop));
        return run(List.<byte[][]>of(new byte[][] {{'L', 'P', 'U', 'S', 'H'}, {'l', 'i', 's', 't'}, e}));
    }

    // ------------------------------------------------------------------ hashes

    @Benchmark
    public Reply hrandfield() {
        return run(hrandfield);
    }

    /**
     * Control: an O(1) lookup of a random field, in Redis and here. Its growth from 10^3 to
     * 10^6 is what memory (cache and TLB misses on a larger table) adds to any O(1) operation.
     */
    @Benchmark
    public Reply hgetRandomControl() {
        return run(hgetRandom[counter++ & (CONTROLS - 1)]);
    }

    // ------------------------------------------------------------------ sets

    /** Control: an O(1) membership test of a random member (see {@link #hgetRandomControl}). */
    @Benchmark
    public Reply sismemberRandomControl() {
        return run(sismemberRandom[counter++ & (CONTROLS - 1)]);
    }

    @Benchmark
    public Reply srandmember() {
        return run(srandmember);
    }

    @Benchmark
    public Reply spopSadd() {
        byte[] e = element(run(spop));
        return run(List.<byte[][]>of(new byte[][] {{'S', 'A', 'D', 'D'}, {'s', 'e', 't'}, e}));
    }

    // ------------------------------------------------------------------ sorted sets

    @Benchmark
    public Reply zrankMiddle() {
        return run(zrankMiddle);
    }

    @Benchmark
    public Reply zrangeMiddle() {
        return run(zrangeMiddle);
    }

    @Benchmark
    public Reply zrandmember() {
        return run(zrandmember);
    }

    @Benchmark
    public Reply zpopminZadd() {
        Reply r = run(zpopmin);
        byte[] e = element(r);
        // ZPOPMIN answers [member, score]: put the member back with a new, higher score so the
        // next pop takes the next member and the set keeps its size
        byte[] score = Integer.toString(n + counter++).getBytes(StandardCharsets.US_ASCII);
        return run(List.<byte[][]>of(new byte[][] {{'Z', 'A', 'D', 'D'}, {'z', 's', 'e', 't'}, score, e}));
    }

    @TearDown(Level.Trial)
    public void close() {
        engine.close();
    }
}
