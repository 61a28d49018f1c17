package io.vellum.core.types;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.types.proto.ListData;
import io.vellum.core.types.proto.StoredValue;
import java.util.Arrays;

/**
 * A list value (Redis's t_list.c list type API): elements in a growable circular array, so
 * pushes and pops at both ends are O(1) amortized and index access (LINDEX, LSET, the start
 * of an LRANGE) is O(1) — never worse than Redis's quicklist. Inserting or removing in the
 * middle moves the shorter side, O(n) as in Redis.
 *
 * <p>The encoding Redis would report (listpack or quicklist) is tracked by {@link ListLayout}
 * from exact listpack sizes; the element store never depends on it. The mutators follow
 * Redis's call sequence: commands call {@link #beforeAppend} before adding (the growing
 * conversion check) and {@link #afterRemoval} after removing (the shrinking one), as t_list.c
 * calls listTypeTryConversionAppend and listTypeTryConversion.
 *
 * <p>Element arrays are never modified after they are stored (callers hand over ownership),
 * so copies share them. Not thread-safe: owned by the engine thread.
 */
public final class ListValue extends Value implements ListLayout.Elements {
    private static final int MIN_CAPACITY = 8;

    private byte[][] items;
    private int head;
    private int size;
    private final ListLayout layout;

    private ListValue(byte[][] items, int size) {
        this.items = items;
        this.size = size;
        this.layout = new ListLayout(this);
    }

    private ListValue(byte[][] items, int size, ListLayout from) {
        this.items = items;
        this.size = size;
        this.layout = from.copyFor(this);
    }

    /** An empty list as LPUSH creates it (listpack-encoded). */
    public static ListValue create() {
        return new ListValue(new byte[MIN_CAPACITY][], 0);
    }

    // ------------------------------------------------------------------ reading

    @Override
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The element at {@code index} (0 is the head); callers checked {@code 0 <= index < size}. */
    @Override
    public byte[] get(int index) {
        return items[(head + index) & (items.length - 1)];
    }

    /**
     * Redis's normalization of a possibly negative index: the position, or -1 when outside
     * the list.
     */
    public int position(long index) {
        long i = index < 0 ? size + index : index;
        return i < 0 || i >= size ? -1 : (int) i;
    }

    /** The position of the first element equal to {@code e} from the head, or -1. */
    public int indexOf(byte[] e) {
        for (int i = 0; i < size; i++) {
            if (Arrays.equals(get(i), e)) {
                return i;
            }
        }
        return -1;
    }

    // ------------------------------------------------------------------ conversions

    /** listTypeTryConversionAppend before {@code argv[from..to]} are added. */
    public void beforeAppend(byte[][] argv, int from, int to, int fill) {
        long bytes = 0;
        for (int i = from; i <= to; i++) {
            bytes += argv[i].length;
        }
        layout.beforeAppend(bytes, to - from + 1L, fill);
    }

    /** listTypeTryConversionAppend before {@code e} is added. */
    public void beforeAppend(byte[] e, int fill) {
        layout.beforeAppend(e.length, 1, fill);
    }

    /** listTypeTryConversion(LIST_CONV_SHRINKING) after elements were removed. */
    public void afterRemoval(int fill) {
        layout.afterShrink(fill);
    }

    // ------------------------------------------------------------------ changes

    /** Adds {@code e} at the head or the tail. */
    public void push(byte[] e, boolean atHead) {
        ensureCapacity(size + 1);
        if (atHead) {
            head = (head - 1) & (items.length - 1);
            items[head] = e;
        } else {
            items[(head + size) & (items.length - 1)] = e;
        }
        size++;
        layout.pushed(e, atHead);
    }

    /** Removes and returns the head or tail element; the list must not be empty. */
    public byte[] pop(boolean atHead) {
        int slot = atHead ? head : (head + size - 1) & (items.length - 1);
        byte[] e = items[slot];
        items[slot] = null;
        if (atHead) {
            head = (head + 1) & (items.length - 1);
        }
        size--;
        layout.popped(e, atHead);
        maybeShrinkCapacity();
        return e;
    }

    /** Removes {@code n} elements from the head or the tail (LTRIM, LPOP with a count). */
    public void removeEnd(int n, boolean atHead) {
        for (int i = 0; i < n; i++) {
            pop(atHead);
        }
    }

    /** Replaces the element at {@code index} (a valid position). */
    public void set(int index, byte[] e) {
        int slot = (head + index) & (items.length - 1);
        layout.replacing(index, items[slot], e);
        items[slot] = e;
    }

    /** Inserts {@code e} before or after the element at {@code pivot} (a valid position). */
    public void insert(int pivot, boolean after, byte[] e) {
        layout.inserting(pivot, after, e);
        int at = after ? pivot + 1 : pivot;
        ensureCapacity(size + 1);
        int mask = items.length - 1;
        if (at < size - at) {
            head = (head - 1) & mask;
            for (int k = 0; k < at; k++) {
                items[(head + k) & mask] = items[(head + k + 1) & mask];
            }
        } else {
            for (int k = size; k > at; k--) {
                items[(head + k) & mask] = items[(head + k - 1) & mask];
            }
        }
        items[(head + at) & mask] = e;
        size++;
    }

    /**
     * LREM: removes elements equal to {@code e}, at most {@code count} from the head
     * ({@code count > 0}), at most {@code -count} from the tail ({@code count < 0}), or all
     * ({@code 0}). Returns how many were removed.
     */
    public long remove(byte[] e, long count) {
        int[] positions = new int[Math.min(size, 16)];
        int n = 0;
        // Redis negates a negative count in place: LONG_MIN stays negative and never stops it
        long limit = count == 0 || count == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(count);
        if (count >= 0) {
            for (int i = 0; i < size && n < limit; i++) {
                if (Arrays.equals(get(i), e)) {
                    positions = add(positions, n++, i);
                }
            }
        } else {
            for (int i = size - 1; i >= 0 && n < limit; i--) {
                if (Arrays.equals(get(i), e)) {
                    positions = add(positions, n++, i);
                }
            }
            for (int a = 0, b = n - 1; a < b; a++, b--) {
                int t = positions[a];
                positions[a] = positions[b];
                positions[b] = t;
            }
        }
        if (n == 0) {
            return 0;
        }
        layout.removing(positions, n);
        byte[][] kept = new byte[capacityFor(size - n)][];
        int k = 0;
        int next = 0;
        for (int i = 0; i < size; i++) {
            if (next < n && positions[next] == i) {
                next++;
            } else {
                kept[k++] = get(i);
            }
        }
        items = kept;
        head = 0;
        size = k;
        return n;
    }

    private static int[] add(int[] a, int n, int v) {
        if (n == a.length) {
            a = Arrays.copyOf(a, Math.max(16, a.length * 2));
        }
        a[n] = v;
        return a;
    }

    // ------------------------------------------------------------------ storage

    private static int capacityFor(int n) {
        int c = MIN_CAPACITY;
        while (c < n) {
            c <<= 1;
        }
        return c;
    }

    private void ensureCapacity(int needed) {
        if (needed > items.length) {
            resize(capacityFor(needed));
        }
    }

    /** Gives memory back after many pops: a quarter-full array is halved. */
    private void maybeShrinkCapacity() {
        if (items.length > 64 && size < items.length / 4) {
            resize(items.length / 2);
        }
    }

    private void resize(int capacity) {
        byte[][] n = new byte[capacity][];
        for (int i = 0; i < size; i++) {
            n[i] = get(i);
        }
        items = n;
        head = 0;
    }

    /** The encoding model, for tests in this package. */
    ListLayout layout() {
        return layout;
    }

    // ------------------------------------------------------------------ Value

    @Override
    public ValueType type() {
        return ValueType.LIST;
    }

    @Override
    public String encoding() {
        return layout.isQuicklist() ? "quicklist" : "listpack";
    }

    @Override
    public Value copy() {
        byte[][] n = new byte[capacityFor(size)][];
        for (int i = 0; i < size; i++) {
            n[i] = get(i);
        }
        return new ListValue(n, size, layout);
    }

    /** xorObjectDigest for lists: every element mixed in order. */
    @Override
    public void mixDigest(byte[] digest) {
        for (int i = 0; i < size; i++) {
            RedisDigest.mix(digest, get(i));
        }
    }

    @Override
    public StoredValue toProto() {
        ListData.Builder b = ListData.newBuilder().setEncoding(encoding());
        for (int i = 0; i < size; i++) {
            b.addElement(UnsafeByteOperations.unsafeWrap(get(i)));
        }
        if (layout.isQuicklist()) {
            for (int s : layout.nodeShape()) {
                b.addNode(s);
            }
            b.setFill(layout.fill());
        }
        return StoredValue.newBuilder().setList(b).build();
    }

    /** The list a stored message holds; IllegalArgumentException when it is not a valid list. */
    static ListValue fromProto(ListData d) {
        int n = d.getElementCount();
        byte[][] elements = new byte[n][];
        for (int i = 0; i < n; i++) {
            ByteString e = d.getElement(i);
            elements[i] = e.toByteArray();
        }
        int[] shape = new int[d.getNodeCount()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = d.getNode(i);
        }
        return fromParts(elements, n, d.getEncoding(), shape, shape.length, d.getFill());
    }

    /**
     * The list ListData's fields describe (the first {@code n*} items of each array; the byte
     * arrays become the list's own); IllegalArgumentException when it is not a valid list.
     */
    static ListValue fromParts(byte[][] elements, int n, String encoding, int[] nodes, int nNodes, int fill) {
        if (n == 0) {
            throw new IllegalArgumentException("empty list");
        }
        byte[][] items = new byte[capacityFor(n)][];
        System.arraycopy(elements, 0, items, 0, n);
        ListValue v = new ListValue(items, n);
        boolean quicklist = switch (encoding) {
            case "quicklist" -> true;
            case "listpack", "" -> false;
            default -> throw new IllegalArgumentException("unknown list encoding " + encoding);
        };
        int[] shape = Arrays.copyOf(nodes, nNodes);
        if (quicklist && shape.length == 0) {
            shape = new int[] {n}; // an older record without nodes: one node, as after a conversion
        }
        v.layout.restore(quicklist, quicklist ? fill : 0, shape);
        return v;
    }
}
