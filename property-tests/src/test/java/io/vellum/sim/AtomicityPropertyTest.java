package io.vellum.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vellum.Vellum;
import io.vellum.VellumConnection;
import io.vellum.aof.FsyncPolicy;
import io.vellum.core.reply.Reply;
import io.vellum.core.spi.UnitRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property 4, atomicity: writer threads move amounts between accounts, each transfer one unit
 * (MULTI/EXEC: DECRBY from, INCRBY to), and bump a counter together with a list of who bumped
 * it; reader threads meanwhile read all accounts at once (MGET, and MULTI/GET.../EXEC) and the
 * counter with the list's length. No reader ever sees a partial unit: the sum of the accounts
 * is constant and the counter equals the list's length in every read. Afterwards the log,
 * executed serially in its order by a plain Java model, gives exactly the final state, and holds
 * one record per acknowledged unit.
 *
 * <p>Scripts join in once the store has EVAL: the same transfer as a script.
 */
class AtomicityPropertyTest {
    static final int ACCOUNTS = 8;
    static final long START = 1000;
    static final String TRANSFER = "redis.call('DECRBY', KEYS[1], ARGV[1]) redis.call('INCRBY', KEYS[2], ARGV[1]) return 1";

    @TempDir
    Path tmp;

    @Test
    void readersNeverSeeAPartialUnitAndTheLogExecutedSeriallyGivesTheFinalState() {
        Sim.checkSeeds("atomicity", 3, this::check);
    }

    void check(long seed) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "atomicity");
        SplittableRandom random = new SplittableRandom(seed);
        int writers = 2 + random.nextInt(3);
        int unitsPerWriter = 300 + random.nextInt(300);
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<String> violation = new AtomicReference<>();
        Map<String, String> finalState = new HashMap<>();
        boolean scripts;
        try (Vellum store = Vellum.builder().dir(dir).fsync(FsyncPolicy.NO).open()) {
            scripts = !(store.execute("COMMAND", "INFO", "EVAL") instanceof Reply.Array a && a.items().get(0) instanceof Reply.Null);
            List<String> mset = new ArrayList<>(List.of("MSET"));
            for (int i = 0; i < ACCOUNTS; i++) {
                mset.add("a" + i);
                mset.add(Long.toString(START));
            }
            store.execute(mset.toArray(String[]::new));
            acknowledged.incrementAndGet();
            AtomicBoolean done = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                long s = random.nextLong();
                int id = w;
                threads.add(new Thread(() -> write(store, id, new SplittableRandom(s), unitsPerWriter, scripts,
                        acknowledged, violation), "writer-" + w));
            }
            List<Thread> readers = new ArrayList<>();
            for (int r = 0; r < 2; r++) {
                readers.add(new Thread(() -> read(store, done, violation), "reader-" + r));
            }
            threads.forEach(Thread::start);
            readers.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            done.set(true);
            for (Thread t : readers) {
                t.join();
            }
            for (int i = 0; i < ACCOUNTS; i++) {
                finalState.put("a" + i, bulk(store.execute("GET", "a" + i)));
            }
            finalState.put("counter", bulk(store.execute("GET", "counter")));
            finalState.put("bumps", Long.toString(((Reply.Int) store.execute("LLEN", "bumps")).value()));
        }
        assertEquals(null, violation.get());

        List<UnitRecord> records = StoreFiles.records(dir);
        assertEquals(acknowledged.get(), records.size(), "one record per acknowledged unit");
        assertEquals(finalState, serially(records), "the log executed serially in its order gives the final state"
                + (scripts ? " (scripts included)" : ""));
    }

    private static void write(Vellum store, int id, SplittableRandom r, int units, boolean scripts,
                              AtomicLong acknowledged, AtomicReference<String> violation) {
        try (VellumConnection c = store.connect()) {
            for (int n = 0; n < units && violation.get() == null; n++) {
                String from = "a" + r.nextInt(ACCOUNTS);
                String to = "a" + r.nextInt(ACCOUNTS);
                String amount = Integer.toString(1 + r.nextInt(50));
                Reply reply;
                int kind = r.nextInt(scripts ? 4 : 3);
                if (kind == 3) {
                    reply = c.execute("EVAL", TRANSFER, "2", from, to, amount);
                } else if (kind < 2) {
                    c.execute("MULTI");
                    c.execute("DECRBY", from, amount);
                    c.execute("INCRBY", to, amount);
                    reply = c.execute("EXEC");
                } else {
                    c.execute("MULTI");
                    c.execute("INCR", "counter");
                    c.execute("RPUSH", "bumps", id + ":" + n);
                    reply = c.execute("EXEC");
                }
                if (reply instanceof Reply.Error e) {
                    violation.compareAndSet(null, "unit failed: " + e.text());
                    return;
                }
                acknowledged.incrementAndGet();
            }
        }
    }

    private static void read(Vellum store, AtomicBoolean done, AtomicReference<String> violation) {
        String[] mget = new String[ACCOUNTS + 1];
        mget[0] = "MGET";
        for (int i = 0; i < ACCOUNTS; i++) {
            mget[i + 1] = "a" + i;
        }
        try (VellumConnection c = store.connect()) {
            long reads = 0;
            while ((!done.get() || reads < 10) && violation.get() == null) {
                reads++;
                List<Reply> accounts = ((Reply.Array) c.execute(mget)).items();
                checkSum(accounts, "MGET", violation);
                c.execute("MULTI");
                for (int i = 0; i < ACCOUNTS; i++) {
                    c.execute("GET", "a" + i);
                }
                checkSum(((Reply.Array) c.execute("EXEC")).items(), "MULTI/GET/EXEC", violation);
                c.execute("MULTI");
                c.execute("GET", "counter");
                c.execute("LLEN", "bumps");
                List<Reply> both = ((Reply.Array) c.execute("EXEC")).items();
                long counter = both.get(0) instanceof Reply.Bulk b ? Long.parseLong(b.utf8()) : 0;
                long bumps = ((Reply.Int) both.get(1)).value();
                if (counter != bumps) {
                    violation.compareAndSet(null, "a reader saw counter " + counter + " with " + bumps + " bumps");
                }
            }
        }
    }

    private static void checkSum(List<Reply> accounts, String how, AtomicReference<String> violation) {
        long sum = 0;
        for (Reply a : accounts) {
            sum += Long.parseLong(((Reply.Bulk) a).utf8());
        }
        if (sum != START * ACCOUNTS) {
            violation.compareAndSet(null, "a reader (" + how + ") saw the accounts sum to " + sum);
        }
    }

    private static String bulk(Reply r) {
        return r instanceof Reply.Bulk b ? b.utf8() : null;
    }

    /** The log's units executed one after the other by a model that knows only these commands. */
    static Map<String, String> serially(List<UnitRecord> records) {
        Map<String, Long> numbers = new HashMap<>();
        long bumps = 0;
        for (UnitRecord r : records) {
            for (byte[][] argv : r.commands()) {
                String cmd = s(argv[0]).toUpperCase();
                switch (cmd) {
                    case "MSET" -> {
                        for (int i = 1; i + 1 < argv.length; i += 2) {
                            numbers.put(s(argv[i]), Long.parseLong(s(argv[i + 1])));
                        }
                    }
                    case "DECRBY" -> numbers.merge(s(argv[1]), -Long.parseLong(s(argv[2])), Long::sum);
                    case "INCRBY" -> numbers.merge(s(argv[1]), Long.parseLong(s(argv[2])), Long::sum);
                    case "INCR" -> numbers.merge(s(argv[1]), 1L, Long::sum);
                    case "RPUSH" -> bumps += argv.length - 2;
                    case "EVAL" -> {
                        assertTrue(s(argv[1]).equals(TRANSFER), "only the transfer script is run");
                        long amount = Long.parseLong(s(argv[5]));
                        numbers.merge(s(argv[3]), -amount, Long::sum);
                        numbers.merge(s(argv[4]), amount, Long::sum);
                    }
                    default -> throw new AssertionError("unexpected command in the log: " + r.describe());
                }
            }
        }
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < ACCOUNTS; i++) {
            Long v = numbers.get("a" + i);
            out.put("a" + i, v == null ? null : Long.toString(v));
        }
        Long counter = numbers.get("counter");
        out.put("counter", counter == null ? null : Long.toString(counter));
        out.put("bumps", Long.toString(bumps));
        return out;
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
