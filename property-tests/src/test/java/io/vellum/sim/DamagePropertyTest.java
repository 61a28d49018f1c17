package io.vellum.sim;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.vellum.aof.RecoveryException;
import io.vellum.core.TestStore;
import io.vellum.core.engine.Engine;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.spi.UnitRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Property 6, damage: truncating a log file, flipping a byte or zeroing a range anywhere in its
 * data, then opening the store, has only the documented outcomes (aof Recovery's class
 * comment):
 *
 * <ul>
 *   <li>the store opens holding exactly the replay of a prefix of the log; when that prefix is
 *       not the whole log, what was dropped was moved aside and reported (so it is when the
 *       newest snapshot covered the damaged last record: the store holds the whole log's state);</li>
 *   <li>or opening is refused with a {@link RecoveryException} whose message says what to do
 *       (names {@code vellum check-aof}) or why (a damaged or diverging record).</li>
 * </ul>
 *
 * Never a store that holds something no prefix of the log holds.
 */
class DamagePropertyTest {
    static final int CI_SEQUENCES = 15;

    @Test
    void damagedLogsOpenAsAPrefixOrAreRefused() {
        Sim.check("damage", CI_SEQUENCES, DamagePropertyTest::generate, DamagePropertyTest::check,
                "DamagePropertyTest.check");
        System.out.println("damage outcomes: " + whole + " opened whole, " + dropped + " opened with a reported prefix, "
                + refused + " refused, " + coveredTorn + " opened whole after dropping a torn record a snapshot covered");
    }

    /** Found by a 30-minute soak: a flipped byte in a cycle file's header made opening throw Chronicle's error. */
    @Test
    void shrunkSeed21211869626431() {
        check(List.of(
                Action.cmd("ZADD", "k6", "0", "m2", "-3", "m1"),
                Action.damage("header-flip", 0, 0.002, 44)));
    }

    /** Found by a 30-minute soak: a truncation that cut a newest file's last record opened without a report. */
    @Test
    void shrunkSeed22771781474967() {
        check(List.of(
                Action.cmdOn(1, "HSET", "k0", "m5", "34", "m1", "v19"),
                Action.reopen(),
                Action.cmd("PFMERGE", "k1", "k6", "k\u0000\u00ff"),
                Action.damage("truncate", 2, 0.0, 28)));
    }

    /**
     * Found by a 30-minute soak: a flipped byte in a record a snapshot covers opened as a state
     * no prefix holds (Chronicle's walk to the snapshot's record was misled by a damaged header).
     */
    @Test
    void shrunkSeed25715132351685() {
        check(List.of(
                Action.cmd("SET", "k2", "v12", "NX"),
                Action.cmdOn(1, "ZINCRBY", "k4", "2.5", "m2"),
                Action.cmdOn(1, "ZADD", "k6", "NX", "-0.5", "m5"),
                Action.cmd("GETSET", "k1", "v13"),
                Action.cmd("SELECT", "1"),
                Action.cmd("RPUSH", "k0", "a"),
                Action.snapshot(true),
                Action.cmdOn(1, "SETBIT", "k5", "12", "0"),
                Action.cmdOn(1, "SETNX", "k\u0000\u00ff", "47"),
                Action.cmd("XADD", "k1", "*", "m3", ")d"),
                Action.cmd("SADD", "k4", "9"),
                Action.cmd("PFADD", "k2", "m3", "m3", "v3"),
                Action.damage("flip", 2, 0.311, 5)));
    }

    @Test
    void shrunkSeed26748629497043() {
        check(List.of(
                Action.cmdOn(1, "SETBIT", "k4", "8", "1"),
                Action.cmd("GETEX", "k4", "PX", "13"),
                Action.cmdOn(1, "APPEND", "k0", "v3"),
                Action.snapshot(false),
                Action.cmd("SWAPDB", "2", "2"),
                Action.cmdOn(1, "DECR", "k3"),
                Action.damage("flip", 2, 0.0, 46)));
    }

    static int whole;
    static int dropped;
    static int refused;
    static int coveredTorn;

    static List<Action> generate(Gen g) {
        List<Action> out = new ArrayList<>(CommandGen.sequence(g, 5, 60, new CommandGen.Mix(6, 6, 2, 2, 2, 0, 2)));
        if (g.chance(30)) {
            // a snapshot that covers the last record: damage to that record is a torn record it covers
            out.add(Action.snapshot(false));
        }
        out.add(new Action.Damage(g.pick("truncate", "flip", "zero", "truncate", "flip", "zero", "header-flip"), g.nextInt(4),
                g.chance(20) ? g.nextInt(5) / 100.0 : g.nextInt(1000) / 1000.0, g.between(1, 64)));
        return out;
    }

    static void check(List<Action> actions) {
        try (SimStore s = SimStore.create()) {
            for (Action a : actions) {
                if (a instanceof Action.Command || a instanceof Action.Transaction) {
                    s.run(a);
                } else if (a instanceof Action.Damage d) {
                    damageAndOpen(s, d);
                    return;
                } else if (!s.perform(a)) {
                    throw new IllegalArgumentException("not in this property: " + a);
                }
            }
        }
    }

    private static void damageAndOpen(SimStore s, Action.Damage d) {
        Path copy = s.copyAsIs();
        List<UnitRecord> records = StoreFiles.records(copy);
        // every prefix's state (the probe set: digest, values, TTLs) -> the longest prefix with it
        Map<List<String>, Integer> prefixes = new HashMap<>();
        try (TestStore replay = new TestStore(Engine.builder())) {
            replay.micros.set(s.micros());
            prefixes.put(Probe.of(replay), 0);
            for (int i = 0; i < records.size(); i++) {
                replay.engine.applyRecord(records.get(i), false);
                prefixes.put(Probe.of(replay), i + 1);
            }
        }
        String what = damage(copy, d);
        TestStore opened;
        try {
            opened = SimStore.openStore(copy, s.micros());
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof RecoveryException r) {
                String m = r.getMessage();
                assertTrue(m.contains("check-aof") || m.contains("diverge") || m.contains("position"),
                        "a refusal says where and what to do: " + m);
                refused++;
                return;
            }
            throw new AssertionError(what + ": opening failed without a clear refusal: " + e, e);
        } catch (RuntimeException | AssertionError e) {
            throw new AssertionError(what + ": opening failed without a clear refusal: " + e, e);
        }
        try {
            Integer prefix = prefixes.get(Probe.of(opened));
            if (prefix == null) {
                fail(what + ": the store opened holding a state no prefix of its " + records.size()
                        + " records holds (digest " + digest(opened) + ")");
            }
            if (prefix == records.size() && !StoreFiles.removedTails(copy).isEmpty()) {
                // the newest snapshot covered the damaged last record: its state, the record replaced by a stand-in
                coveredTorn++;
            } else if (prefix < records.size()) {
                assertFalse(StoreFiles.removedTails(copy).isEmpty(), what + ": the store opened with "
                        + prefix + " of " + records.size() + " records, and reported nothing");
                dropped++;
            } else {
                whole++;
            }
        } finally {
            opened.close();
        }
    }

    private static String digest(TestStore st) {
        return RedisDigest.hex(RedisDigest.dataset(st.engine.keyspace()));
    }

    /** Applies the damage to the copy; returns it described. */
    private static String damage(Path storeDir, Action.Damage d) {
        List<StoreFiles.Extent> extents = StoreFiles.extents(storeDir);
        List<Path> files;
        try (Stream<Path> s = Files.list(storeDir.resolve("aof"))) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".cq4")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (files.isEmpty()) {
            return "no log file to damage";
        }
        Path file = files.get(d.file() % files.size());
        long end = 0;
        long first = Long.MAX_VALUE;
        for (StoreFiles.Extent e : extents) {
            if (e.file().getFileName().equals(file.getFileName())) {
                end = Math.max(end, e.end());
                first = Math.min(first, e.header());
            }
        }
        if (end == 0) {
            end = 4096;
            first = 0;
        }
        // the records' region, or (header-flip) Chronicle's own header and index before them
        long from = d.mode().equals("header-flip") ? 0 : first;
        long to = d.mode().equals("header-flip") ? first : end;
        long at = Math.min(to - 1, from + (long) Math.floor(d.at() * (to - from)));
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            switch (d.mode()) {
                case "truncate" -> f.setLength(at);
                case "flip", "header-flip" -> {
                    f.seek(at);
                    int b = f.read();
                    f.seek(at);
                    f.write(b ^ 0xff);
                }
                default -> {
                    f.seek(at);
                    f.write(new byte[d.length()]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return d.mode() + " of " + file.getFileName() + " at offset " + at + " (data ends at " + end + ", "
                + extents.size() + " records)";
    }
}
