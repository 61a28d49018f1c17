package io.vellum.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The skip list against a sorted-set model under seeded random operations (STYLE.md 11). */
class ZSkipListTest {
    private record Entry(double score, byte[] member) {
    }

    private static final Comparator<Entry> ORDER = (a, b) -> ZSkipList.compare(a.score, a.member, b.score, b.member);

    private static byte[] m(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void randomOperationsMatchASortedModel() {
        randomOperations(20261123L, 400, 20_000, 97);
    }

    /** Enough members for levels above the header's first four (it grows with the list). */
    @Test
    void aLargeListMatchesTheModel() {
        randomOperations(20261207L, 20_000, 60_000, 4999);
    }

    private static void randomOperations(long seed, int members, int steps, int checkEvery) {
        SplittableRandom r = new SplittableRandom(seed);
        ZSkipList list = new ZSkipList();
        TreeSet<Entry> model = new TreeSet<>(ORDER);
        Map<String, Entry> byMember = new HashMap<>();
        Map<String, ZSkipList.Node> nodes = new HashMap<>();
        for (int step = 0; step < steps; step++) {
            String name = "m" + r.nextInt(members);
            double score = r.nextInt(10) == 0 ? -0.0 : r.nextInt(50) / 2.0;
            int op = r.nextInt(10);
            Entry old = byMember.get(name);
            if (op < 5 && old == null) {
                Entry e = new Entry(score, m(name));
                nodes.put(name, list.insert(score, e.member));
                model.add(e);
                byMember.put(name, e);
            } else if (op < 7 && old != null) {
                assertSame(nodes.get(name), list.delete(old.score, old.member), "seed " + seed + " step " + step);
                model.remove(old);
                byMember.remove(name);
                nodes.remove(name);
            } else if (op < 9 && old != null) {
                ZSkipList.Node n = list.updateScore(nodes.get(name), score);
                assertEquals(score, n.score());
                Entry e = new Entry(score, old.member);
                model.remove(old);
                model.add(e);
                byMember.put(name, e);
                nodes.put(name, n);
            } else if (list.length() > 2) {
                int start = 1 + r.nextInt(list.length());
                int end = Math.min(list.length(), start + r.nextInt(4));
                List<Entry> expected = new ArrayList<>(model).subList(start - 1, end);
                List<String> removed = new ArrayList<>();
                list.deleteRankRange(start, end, n -> removed.add(new String(n.member(), StandardCharsets.ISO_8859_1)));
                assertEquals(expected.size(), removed.size());
                for (int i = 0; i < removed.size(); i++) {
                    assertEquals(new String(expected.get(i).member, StandardCharsets.ISO_8859_1), removed.get(i));
                    model.remove(expected.get(i));
                    byMember.remove(removed.get(i));
                    nodes.remove(removed.get(i));
                }
            }
            if (step % checkEvery == 0) {
                check(list, model, r, seed, step);
            }
        }
        check(list, model, r, seed, -1);
    }

    private static void check(ZSkipList list, TreeSet<Entry> model, SplittableRandom r, long seed, int step) {
        String where = "seed " + seed + " step " + step;
        assertEquals(model.size(), list.length(), where);
        List<Entry> sorted = new ArrayList<>(model);
        int rank = 1;
        ZSkipList.Node prev = null;
        for (ZSkipList.Node n = list.first(); n != null; n = n.next(), rank++) {
            Entry e = sorted.get(rank - 1);
            assertEquals(e.score, n.score(), where);
            assertTrue(java.util.Arrays.equals(e.member, n.member()), where);
            assertSame(prev, n.prev(), where);
            assertSame(n, list.byRank(rank), where);
            assertEquals(rank, list.rank(n.score(), n.member()), where);
            prev = n;
        }
        assertSame(prev, list.last(), where);
        assertNull(list.byRank(0));
        assertNull(list.byRank(list.length() + 1));
        for (int i = 0; i < 5; i++) {
            double bound = r.nextInt(52) / 2.0 - 0.5;
            long below = sorted.stream().filter(e -> e.score < bound).count();
            assertEquals(below, list.countPrefix(n -> n.score() < bound), where + " bound " + bound);
        }
    }

    @Test
    void negativeAndPositiveZeroAreOneScore() {
        ZSkipList list = new ZSkipList();
        list.insert(0.0, m("b"));
        list.insert(-0.0, m("a"));
        list.insert(-0.0, m("c"));
        assertEquals("a", new String(list.first().member(), StandardCharsets.ISO_8859_1));
        assertEquals(3, list.rank(0.0, m("c")));
        ZSkipList.Node b = list.byRank(2);
        list.replaceEqualScore(list.first(), 0.0);
        assertEquals(0, Double.doubleToRawLongBits(list.first().score()));
        assertSame(b, list.byRank(2));
    }
}
