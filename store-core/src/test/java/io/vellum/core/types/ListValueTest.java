package io.vellum.core.types;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vellum.core.keyspace.RedisDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;
import org.junit.jupiter.api.Test;

/**
 * The list type: element operations against a simple model, and the encoding Redis 7.2
 * would report (t_list.c / quicklist.c rules, worked out by hand below).
 */
class ListValueTest {
    private static final int FILL = -2; // list-max-listpack-size default: 8 KiB nodes

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] x(int n) {
        byte[] e = new byte[n];
        Arrays.fill(e, (byte) 'x');
        return e;
    }

    private static void rpush(ListValue l, byte[] e, int fill) {
        l.beforeAppend(e, fill);
        l.push(e, false);
        l.layout().verify();
    }

    @Test
    void entrySizesFollowListpackEncodings() {
        assertEquals(2, ListLayout.entrySize(b("0")));
        assertEquals(2, ListLayout.entrySize(b("127")));
        assertEquals(3, ListLayout.entrySize(b("128")));
        assertEquals(3, ListLayout.entrySize(b("-4096")));
        assertEquals(4, ListLayout.entrySize(b("32767")));
        assertEquals(5, ListLayout.entrySize(b("8388607")));
        assertEquals(6, ListLayout.entrySize(b("2147483647")));
        assertEquals(10, ListLayout.entrySize(b("2147483648")));
        assertEquals(4, ListLayout.entrySize(b("-0"))); // not an integer: a 2-byte string
        assertEquals(4, ListLayout.entrySize(b("01")));
        assertEquals(2, ListLayout.entrySize(b(""))); // header and back-length only
        assertEquals(1 + 63 + 1, ListLayout.entrySize(x(63)));
        assertEquals(2 + 64 + 1, ListLayout.entrySize(x(64)));
        assertEquals(2 + 125 + 1, ListLayout.entrySize(x(125)));
        assertEquals(2 + 126 + 2, ListLayout.entrySize(x(126))); // 128-byte encoding needs a 2-byte back-length
        assertEquals(5 + 4096 + 2, ListLayout.entrySize(x(4096)));
    }

    @Test
    void aListpackBecomesAQuicklistWhenItWouldPassEightKilobytes() {
        ListValue l = ListValue.create();
        // each 100-byte element is a 103-byte entry; the 7-byte listpack holds 79 of them
        // (7 + 79*103 = 8144) and the 80th would make 8144 + 100 > 8192
        for (int i = 0; i < 79; i++) {
            rpush(l, x(100), FILL);
        }
        assertEquals("listpack", l.encoding());
        rpush(l, x(100), FILL);
        assertEquals("quicklist", l.encoding());
        assertEquals(2, l.layout().nodeCount()); // the old listpack is one node, the 80th element starts another
    }

    @Test
    void aQuicklistTurnsBackWhenOneNodeOfHalfTheLimitRemains() {
        ListValue l = ListValue.create();
        for (int i = 0; i < 80; i++) {
            rpush(l, x(100), FILL);
        }
        l.pop(false); // the second node goes; one node of 79 entries, 8144 bytes
        l.afterRemoval(FILL);
        assertEquals("quicklist", l.encoding());
        while (l.size() > 40) {
            l.pop(true);
            l.afterRemoval(FILL);
            assertEquals("quicklist", l.encoding(), "at " + l.size());
        }
        l.pop(true); // 39 entries: 7 + 39*103 = 4024 <= 4096
        l.afterRemoval(FILL);
        assertEquals("listpack", l.encoding());
        l.layout().verify();
    }

    @Test
    void countLimitedNodesAndTwoNodesNeverTurnBack() {
        int fill = 4;
        ListValue l = ListValue.create();
        for (String s : new String[] {"a", "b", "c", "d"}) {
            rpush(l, b(s), fill);
        }
        assertEquals("listpack", l.encoding());
        rpush(l, b("e"), fill); // 5 > 4: one node [a b c d], then e in a new node
        assertEquals("quicklist", l.encoding());
        for (int i = 0; i < 3; i++) {
            l.pop(true);
            l.afterRemoval(fill);
            assertEquals("quicklist", l.encoding()); // [d] [e]: two nodes
        }
        l.pop(true);
        l.afterRemoval(fill); // [e]: one node of 1 <= 4/2
        assertEquals("listpack", l.encoding());
    }

    @Test
    void largeElementsGetPlainNodes() {
        ListValue l = ListValue.create();
        rpush(l, x(9000), FILL);
        assertEquals("quicklist", l.encoding());
        rpush(l, b("small"), FILL);
        assertEquals(2, l.layout().nodeCount());
        l.pop(true);
        l.afterRemoval(FILL);
        assertEquals("listpack", l.encoding());
    }

    @Test
    void randomOperationsKeepElementsAndLayoutConsistent() {
        for (int fill : new int[] {-2, -1, 3, 0, -5}) {
            long seed = 1000 + fill;
            RandomGenerator r = RandomGeneratorFactory.of("L64X128MixRandom").create(seed);
            ListValue l = ListValue.create();
            List<byte[]> model = new ArrayList<>();
            for (int step = 0; step < 4000; step++) {
                byte[] e = element(r);
                int op = r.nextInt(100);
                if (op < 30 || model.isEmpty()) {
                    boolean head = r.nextBoolean();
                    l.beforeAppend(e, fill);
                    l.push(e, head);
                    if (head) {
                        model.add(0, e);
                    } else {
                        model.add(e);
                    }
                } else if (op < 50) {
                    boolean head = r.nextBoolean();
                    assertArrayEquals(head ? model.remove(0) : model.remove(model.size() - 1), l.pop(head));
                    l.afterRemoval(fill);
                } else if (op < 65) {
                    int i = r.nextInt(model.size());
                    l.beforeAppend(e, fill);
                    l.set(i, e);
                    model.set(i, e);
                    l.afterRemoval(fill);
                } else if (op < 80) {
                    int i = r.nextInt(model.size());
                    boolean after = r.nextBoolean();
                    l.beforeAppend(e, fill);
                    l.insert(i, after, e);
                    model.add(after ? i + 1 : i, e);
                } else if (op < 90) {
                    byte[] victim = model.get(r.nextInt(model.size()));
                    long count = r.nextInt(5) - 2;
                    long removed = l.remove(victim, count);
                    long expected = removeFromModel(model, victim, count);
                    assertEquals(expected, removed);
                    l.afterRemoval(fill);
                } else {
                    int n = r.nextInt(Math.min(model.size(), 20) + 1);
                    boolean head = r.nextBoolean();
                    l.removeEnd(n, head);
                    for (int k = 0; k < n; k++) {
                        model.remove(head ? 0 : model.size() - 1);
                    }
                    l.afterRemoval(fill);
                }
                l.layout().verify();
                assertEquals(model.size(), l.size(), "seed " + seed + " step " + step);
                for (int i = 0; i < model.size(); i++) {
                    assertArrayEquals(model.get(i), l.get(i), "seed " + seed + " step " + step + " index " + i);
                }
                if (step % 500 == 0) {
                    ListValue back = (ListValue) ValueCodec.decode(ValueCodec.encode(l));
                    back.layout().verify();
                    assertEquals(l.encoding(), back.encoding());
                    assertArrayEquals(l.layout().nodeShape(), back.layout().nodeShape());
                    ListValue copy = (ListValue) l.copy();
                    assertArrayEquals(l.layout().nodeShape(), copy.layout().nodeShape());
                }
            }
        }
    }

    private static byte[] element(RandomGenerator r) {
        return switch (r.nextInt(6)) {
            case 0 -> Long.toString(r.nextLong(-100000, 100000)).getBytes(StandardCharsets.US_ASCII);
            case 1 -> x(r.nextInt(1, 300));
            case 2 -> x(r.nextInt(3000, 9500));
            default -> new byte[] {(byte) ('a' + r.nextInt(4))};
        };
    }

    private static long removeFromModel(List<byte[]> model, byte[] victim, long count) {
        long limit = count == 0 ? Long.MAX_VALUE : Math.abs(count);
        long removed = 0;
        if (count >= 0) {
            for (int i = 0; i < model.size() && removed < limit; ) {
                if (Arrays.equals(model.get(i), victim)) {
                    model.remove(i);
                    removed++;
                } else {
                    i++;
                }
            }
        } else {
            for (int i = model.size() - 1; i >= 0 && removed < limit; i--) {
                if (Arrays.equals(model.get(i), victim)) {
                    model.remove(i);
                    removed++;
                }
            }
        }
        return removed;
    }

    @Test
    void digestIsRedisDebugDigestValue() {
        // redis-server: RPUSH l a b c 12345 "" ; DEBUG DIGEST-VALUE l
        ListValue l = ListValue.create();
        for (String s : new String[] {"a", "b", "c", "12345", ""}) {
            rpush(l, b(s), FILL);
        }
        byte[] d = new byte[20];
        RedisDigest.objectDigest(d, l, false);
        assertEquals("ad7b6a680f642d30b3466982ce47db28a4e7fe3b", RedisDigest.hex(d));
    }
}
