package io.vellum.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Loading by appending then indexing gives the dictionary inserting one by one gives. */
class OrderedDictAppendTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static void assertSame(OrderedDict<Integer> expected, OrderedDict<Integer> actual) {
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.nextSeq(), actual.nextSeq());
        int e = expected.firstEntry();
        int a = actual.firstEntry();
        while (e >= 0) {
            assertArrayEquals(expected.keyAt(e), actual.keyAt(a));
            assertEquals(expected.seqAt(e), actual.seqAt(a));
            assertEquals(expected.valueAt(e), actual.valueAt(a));
            assertEquals(a, actual.indexOf(expected.keyAt(e)));
            e = expected.nextEntry(e + 1);
            a = actual.nextEntry(a + 1);
        }
        assertEquals(-1, a);
    }

    @Test
    void appendedEntriesAreFoundAndOrderedAsInsertedOnes() {
        for (int reserve : new int[] {0, 10, 5000}) {
            Random r = new Random(reserve);
            OrderedDict<Integer> one = new OrderedDict<>();
            OrderedDict<Integer> bulk = new OrderedDict<>();
            bulk.reserve(reserve);
            long seq = 0;
            for (int i = 0; i < 3000; i++) {
                seq += 1 + r.nextInt(3);
                one.insertWithSeq(b("k" + i), i, seq);
                bulk.appendForLoad(b("k" + i), i, seq);
                if (i == 1500) {
                    bulk.indexAppended(); // a database loaded in two rounds
                }
            }
            bulk.indexAppended();
            assertSame(one, bulk);
            assertNull(bulk.get(b("absent")));
            // the dictionary works as usual afterwards
            assertEquals(7, bulk.remove(b("k7")));
            one.remove(b("k7"));
            bulk.put(b("new"), -1);
            one.put(b("new"), -1);
            assertSame(one, bulk);
        }
    }

    @Test
    void aLookupIndexesWhatWasAppended() {
        OrderedDict<Integer> d = new OrderedDict<>();
        d.put(b("first"), 0);
        d.remove(b("first")); // a deleted marker in the index
        d.put(b("second"), 1);
        d.appendForLoad(b("x"), 2, 10);
        d.appendForLoad(b("y"), 3, 11);
        assertEquals(3, d.get(b("y")));
        assertEquals(1, d.get(b("second")));
        assertEquals(12, d.nextSeq());
        assertEquals(3, d.size());
    }

    @Test
    void aRepeatedKeyOrAnOldSequenceIsRefused() {
        OrderedDict<Integer> d = new OrderedDict<>();
        d.appendForLoad(b("a"), 1, 1);
        d.appendForLoad(b("b"), 2, 2);
        d.appendForLoad(b("a"), 3, 3);
        assertThrows(IllegalArgumentException.class, d::indexAppended);
        OrderedDict<Integer> e = new OrderedDict<>();
        e.appendForLoad(b("a"), 1, 5);
        assertThrows(IllegalArgumentException.class, () -> e.appendForLoad(b("b"), 1, 5));
    }
}
