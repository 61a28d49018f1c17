package io.vellum.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random operations on an {@link OrderedDict} and on a simple model (a list of entries in
 * order, each with its sequence number) give the same dictionary: sizes that cross the small
 * dictionary's limit (no index) both ways, appended entries indexed late, removals leaving
 * tombstones, clears. The seed is in every failure message.
 */
class OrderedDictModelTest {
    private static final class Entry {
        final String key;
        int value;
        final long seq;

        Entry(String key, int value, long seq) {
            this.key = key;
            this.value = value;
            this.seq = seq;
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int find(List<Entry> model, String key) {
        for (int i = 0; i < model.size(); i++) {
            if (model.get(i).key.equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void aDictionaryAroundTheSmallLimitMatchesTheModel() {
        run(20261207L, 12, 40_000);
    }

    @Test
    void aGrowingAndShrinkingDictionaryMatchesTheModel() {
        run(20261208L, 300, 60_000);
    }

    private static void run(long seed, int keys, int steps) {
        SplittableRandom r = new SplittableRandom(seed);
        OrderedDict<Integer> d = new OrderedDict<>(r.nextInt(3) == 0 ? 20 : 4);
        List<Entry> model = new ArrayList<>();
        long nextSeq = 1;
        boolean appending = false; // appendForLoad only between lookups' indexing, as loading does
        for (int step = 0; step < steps; step++) {
            String where = "seed " + seed + " step " + step;
            String k = "k" + r.nextInt(keys);
            int i = find(model, k);
            int op = r.nextInt(100);
            if (appending && (op >= 20 || i >= 0)) {
                if (r.nextBoolean()) {
                    d.indexAppended();
                }
                appending = false;
            }
            if (op < 30) {
                Integer old = d.put(b(k), step);
                if (i >= 0) {
                    assertEquals(model.get(i).value, old, where);
                    model.get(i).value = step;
                } else {
                    assertNull(old, where);
                    model.add(new Entry(k, step, nextSeq++));
                }
            } else if (op < 40 && i < 0) {
                d.putAbsent(b(k), step);
                model.add(new Entry(k, step, nextSeq++));
            } else if (op < 45 && i >= 0) {
                assertThrows(IllegalStateException.class, () -> d.putAbsent(b(k), -1), where);
            } else if (op < 75) {
                Integer old = d.remove(b(k));
                if (i >= 0) {
                    assertEquals(model.remove(i).value, old, where);
                } else {
                    assertNull(old, where);
                }
            } else if (op < 85 && i < 0) {
                long seq = nextSeq + r.nextInt(3);
                if (op < 80) {
                    d.insertWithSeq(b(k), step, seq);
                } else {
                    d.appendForLoad(b(k), step, seq);
                    appending = true;
                }
                model.add(new Entry(k, step, seq));
                nextSeq = seq + 1;
            } else if (op < 87) {
                d.reserve(r.nextInt(keys * 2));
            } else if (op == 87 && r.nextInt(20) == 0) {
                d.clear();
                model.clear();
            } else if (op < 95) {
                int e = d.indexOf(b(k));
                assertEquals(i >= 0 ? model.get(i).value : null, e < 0 ? null : d.valueAt(e), where);
            }
            if (!appending && (step % 53 == 0 || keys < 20)) {
                check(d, model, nextSeq, r, where);
            }
        }
    }

    private static void check(OrderedDict<Integer> d, List<Entry> model, long nextSeq, SplittableRandom r, String where) {
        assertEquals(model.size(), d.size(), where);
        assertEquals(nextSeq, d.nextSeq(), where);
        int e = d.firstEntry();
        for (Entry m : model) {
            assertArrayEquals(b(m.key), d.keyAt(e), where);
            assertEquals(m.value, d.valueAt(e), where);
            assertEquals(m.seq, d.seqAt(e), where);
            assertEquals(e, d.indexOf(b(m.key)), where);
            assertEquals(m.value, d.get(b(m.key)), where);
            e = d.nextEntry(e + 1);
        }
        assertEquals(-1, e, where);
        assertNull(d.get(b("absent")), where);
        // a SCAN from a random cursor returns the entries whose sequence is at least the cursor
        if (!model.isEmpty()) {
            long cursor = model.get(r.nextInt(model.size())).seq;
            List<String> seen = new ArrayList<>();
            long c = cursor;
            do {
                c = d.scan(c, 3, (key, v) -> seen.add(new String(key, StandardCharsets.ISO_8859_1)));
            } while (c != 0);
            List<String> expected = new ArrayList<>();
            for (Entry m : model) {
                if (m.seq >= cursor) {
                    expected.add(m.key);
                }
            }
            assertEquals(expected, seen, where);
        }
    }
}
