package io.vellum.core.data;

import java.util.Arrays;

/**
 * A sorted array of distinct 64-bit integers: the structure behind a set in Redis's "intset"
 * encoding (iteration in ascending numeric order, O(log n) lookup, O(n) insertion and
 * removal as Redis's intset memmoves, which is why Redis caps it at set-max-intset-entries).
 *
 * <p>Not thread-safe: owned by the engine thread.
 */
public final class IntSet {
    private long[] values;
    private int size;

    public IntSet() {
        this(4);
    }

    public IntSet(int capacity) {
        values = new long[Math.max(4, capacity)];
    }

    public int size() {
        return size;
    }

    public long get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return values[index];
    }

    public long min() {
        return values[0];
    }

    public long max() {
        return values[size - 1];
    }

    private int search(long v) {
        return Arrays.binarySearch(values, 0, size, v);
    }

    public boolean contains(long v) {
        return search(v) >= 0;
    }

    /** Adds {@code v}; false when it was already present. */
    public boolean add(long v) {
        int i = search(v);
        if (i >= 0) {
            return false;
        }
        int at = -i - 1;
        if (size == values.length) {
            values = Arrays.copyOf(values, values.length * 2);
        }
        System.arraycopy(values, at, values, at + 1, size - at);
        values[at] = v;
        size++;
        return true;
    }

    /** Removes {@code v}; false when it was absent. */
    public boolean remove(long v) {
        int i = search(v);
        if (i < 0) {
            return false;
        }
        removeAt(i);
        return true;
    }

    public void removeAt(int i) {
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        if (values.length > 64 && size < values.length / 4) {
            values = Arrays.copyOf(values, values.length / 2);
        }
    }

    public IntSet copy() {
        IntSet c = new IntSet(size);
        System.arraycopy(values, 0, c.values, 0, size);
        c.size = size;
        return c;
    }
}
