package io.vellum.core.data;

import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.random.RandomGenerator;
import net.openhft.hashing.LongHashFunction;

/**
 * An insertion-ordered hash table keyed by byte strings (compared by content), the one
 * dictionary behind the keyspace and every hash, set and sorted-set member index.
 *
 * <p><b>Why insertion order.</b> Iteration order must be a function of the operation history
 * alone (DESIGN.md, determinism rule 3) and must survive a snapshot and reload. Entries sit
 * in an append-only entry array (tombstones mark removals) and a separate open-addressing
 * index maps hashes to entry slots, as CPython's compact dict does. The hash function is
 * seeded per process (hash flooding), which changes nothing observable: order never depends
 * on hashes.
 *
 * <p><b>Sequence numbers and SCAN.</b> Every insertion gets the next sequence number; entries
 * stay sorted by it through compaction. A SCAN cursor is a sequence number: "continue with
 * the first entry whose sequence is at least this". An entry present for the whole scan is
 * returned exactly once, entries added during the scan may be returned, which is Redis's
 * guarantee and a little more. Snapshots store sequence numbers, so cursors survive reload.
 *
 * <p><b>Small dictionaries</b> (at most {@value #SMALL_CAPACITY} entry slots: most hashes, sets
 * and sorted sets) have no index and no hash array: a lookup compares the keys in order, as
 * Redis's listpack does, and each such dictionary is two arrays and this object instead of
 * four arrays and this object (on loading a snapshot of a million keys, half a million fewer
 * objects for the collector to copy). Growing past that builds the hashes and the index.
 *
 * <p>Values are held as {@code Object}; null values are not allowed. Keys must not be
 * mutated after insertion.
 *
 * <p>Not thread-safe: owned by the engine thread.
 */
public final class OrderedDict<V> {
    private static final long HASH_SEED = new java.security.SecureRandom().nextLong();
    private static final LongHashFunction HASH = LongHashFunction.xx3(HASH_SEED);
    private static final int MIN_CAPACITY = 4;
    /** Entry capacities up to this have no index (looked up by comparing keys in order). */
    static final int SMALL_CAPACITY = 8;

    /**
     * Entry {@code e}'s key at {@code kv[2e]} (null for a tombstone) and its value at
     * {@code kv[2e + 1]}: one array, so a lookup and the write of the value it found touch
     * one cache line, not one in a key array and another in a value array (a million-key
     * keyspace does not fit in the processor's caches; every line is a miss).
     */
    private Object[] kv;
    /**
     * Entry sequence numbers; null while they are dense (entry {@code e}'s is {@code seqBase + e}),
     * as they are in a collection built by adding only (one HSET of five fields, a loaded set):
     * one array fewer per such collection. The first entry that breaks the run allocates it.
     */
    private long[] seqs;
    private long seqBase;
    /** Entry hashes, for rebuilding the index (lookups read the copy in the index); null when small. */
    private int[] hashes;
    /** Entries used so far in the entry arrays, tombstones included. */
    private int filled;
    private int live;
    /**
     * Open addressing. A slot's low 32 bits are 0 when empty, -1 when deleted, otherwise entry
     * slot + 1; its high 32 bits are the entry's hash, so a probe rejects other keys without
     * reading the entry arrays ({@link #slot}). Null when small (at most {@link #SMALL_CAPACITY}
     * entry slots).
     */
    private long[] index;
    private int indexUsed; // non-empty index slots (live + deleted markers)
    private long nextSeq = 1;
    /**
     * Live-entry counts per entry slot as a Fenwick tree (1-based), so a random pick can find
     * the entry of a given rank in O(log n) while tombstones exist. Built by the first such
     * pick, kept up to date after that, dropped whenever compaction removes the tombstones.
     */
    private int[] liveTree;
    /**
     * The last this many entries were appended by {@link #appendForLoad} and are not in the
     * index yet; the next lookup (or {@link #indexAppended}) indexes them.
     */
    private int unindexed;

    public OrderedDict() {
        this(MIN_CAPACITY);
    }

    public OrderedDict(int expected) {
        allocate(Math.max(MIN_CAPACITY, expected));
    }

    private void allocate(int capacity) {
        kv = new Object[capacity * 2];
        seqs = null;
        seqBase = 0;
        boolean small = capacity <= SMALL_CAPACITY;
        hashes = small ? null : new int[capacity];
        index = small ? null : new long[indexSizeFor(capacity)];
        filled = 0;
        live = 0;
        indexUsed = 0;
        liveTree = null;
        unindexed = 0;
    }

    private static int indexSizeFor(int capacity) {
        int n = Integer.highestOneBit(Math.max(8, capacity * 2 - 1)) << 1;
        return n;
    }

    private static final long DELETED = 0xFFFF_FFFFL;

    /** An index slot for entry {@code e} with hash {@code h}. */
    private static long slot(int h, int e) {
        return ((long) h << 32) | (e + 1);
    }

    /** The entry arrays' length (entries, tombstones included, that fit before a rebuild). */
    private int capacity() {
        return kv.length >> 1;
    }

    private byte[] key(int e) {
        return (byte[]) kv[e << 1];
    }

    private Object val(int e) {
        return kv[(e << 1) + 1];
    }

    public static int hash(byte[] key) {
        long h = HASH.hashBytes(key);
        return (int) (h ^ (h >>> 32));
    }

    public int size() {
        return live;
    }

    public boolean isEmpty() {
        return live == 0;
    }

    /** The sequence number the next insertion will get. */
    public long nextSeq() {
        return nextSeq;
    }

    /** For snapshot loading: the next insertion gets at least this sequence number. */
    public void advanceNextSeq(long seq) {
        if (seq > nextSeq) {
            nextSeq = seq;
        }
    }

    // ------------------------------------------------------------------ lookup

    /** The index slot of {@code key} (hash {@code h}), or -1; not small. */
    private int findSlot(byte[] key, int h) {
        if (unindexed != 0) {
            indexAppended();
        }
        int mask = index.length - 1;
        int i = h & mask;
        int perturb = h;
        while (true) {
            long v = index[i];
            int ref = (int) v;
            if (ref == 0) {
                return -1;
            }
            if (ref > 0 && (int) (v >>> 32) == h && Arrays.equals(key(ref - 1), key)) {
                return i;
            }
            perturb >>>= 5;
            i = (i * 5 + 1 + perturb) & mask;
        }
    }

    /** The entry of {@code key} in a small dictionary (no index), or -1: the keys compared in order. */
    private int findSmall(byte[] key) {
        if (unindexed != 0) {
            indexAppended();
        }
        Object[] a = kv;
        for (int e = 0, n = filled; e < n; e++) {
            Object k = a[e << 1];
            if (k != null && Arrays.equals((byte[]) k, key)) {
                return e;
            }
        }
        return -1;
    }

    /** The entry index of {@code key}, or -1. */
    public int indexOf(byte[] key) {
        if (live == 0) {
            return -1; // no hashing for nothing (a store without TTLs looks in its expires on every write)
        }
        if (index == null) {
            return findSmall(key);
        }
        int s = findSlot(key, hash(key));
        return s < 0 ? -1 : (int) index[s] - 1;
    }

    @SuppressWarnings("unchecked")
    public V get(byte[] key) {
        int e = indexOf(key);
        return e < 0 ? null : (V) val(e);
    }

    public boolean containsKey(byte[] key) {
        return indexOf(key) >= 0;
    }

    // ------------------------------------------------------------------ update

    /** Sets the value of {@code key}; a new key goes last. Returns the previous value or null. */
    @SuppressWarnings("unchecked")
    public V put(byte[] key, V value) {
        if (value == null) {
            throw new NullPointerException("null value");
        }
        if (index == null) {
            int e = findSmall(key);
            if (e >= 0) {
                V old = (V) val(e);
                kv[(e << 1) + 1] = value;
                return old;
            }
            insertNew(key, value, 0, false, nextSeq++);
            return null;
        }
        int h = hash(key);
        int s = findSlot(key, h);
        if (s >= 0) {
            int e = (int) index[s] - 1;
            V old = (V) val(e);
            kv[(e << 1) + 1] = value;
            return old;
        }
        insertNew(key, value, h, true, nextSeq++);
        return null;
    }

    /** Inserts a key that must be absent (IllegalStateException, and no change, if it is not); it goes last. */
    public void putAbsent(byte[] key, V value) {
        if (value == null) {
            throw new NullPointerException("null value");
        }
        if (index == null) {
            if (findSmall(key) >= 0) {
                throw new IllegalStateException("add of an existing key");
            }
            insertNew(key, value, 0, false, nextSeq++);
            return;
        }
        int h = hash(key);
        if (findSlot(key, h) >= 0) {
            throw new IllegalStateException("add of an existing key");
        }
        insertNew(key, value, h, true, nextSeq++);
    }

    /**
     * Makes room for {@code expected} entries in all, so that inserting up to that many grows
     * nothing on the way (snapshot loading knows each database's key count up front).
     */
    public void reserve(int expected) {
        if (unindexed != 0) {
            indexAppended();
        }
        if (expected > capacity()) {
            rebuild(expected);
        }
    }

    /** Inserts a key known to be absent with an explicit sequence number (snapshot load). */
    public void insertWithSeq(byte[] key, V value, long seq) {
        if (seq < nextSeq) {
            throw new IllegalArgumentException("sequence " + seq + " is not after " + (nextSeq - 1));
        }
        boolean hashed = index != null;
        int h = hashed ? hash(key) : 0;
        if (hashed ? findSlot(key, h) >= 0 : findSmall(key) >= 0) {
            throw new IllegalArgumentException("duplicate key in ordered insert");
        }
        insertNew(key, value, h, hashed, seq);
        nextSeq = seq + 1;
    }

    /**
     * Appends an entry without indexing it yet (snapshot loading): sequence numbers must grow.
     * Looking a key up one by one while loading a million costs a few dependent cache misses
     * each, between which the decoding of the next record fills the processor; indexing them
     * all at once afterwards ({@link #indexAppended}, or the next lookup) lets the misses of
     * consecutive entries overlap. A duplicate key is found then.
     */
    public void appendForLoad(byte[] key, V value, long seq) {
        if (value == null) {
            throw new NullPointerException("null value");
        }
        if (seq < nextSeq) {
            throw new IllegalArgumentException("sequence " + seq + " is not after " + (nextSeq - 1));
        }
        if (filled == capacity()) {
            indexAppended();
            int cap = live * 2 <= filled ? Math.max(MIN_CAPACITY, capacity()) : capacity() * 2;
            rebuild(cap);
        }
        int e = filled++;
        kv[e << 1] = key;
        kv[(e << 1) + 1] = value;
        setSeq(e, seq);
        if (hashes != null) {
            hashes[e] = hash(key);
        }
        live++;
        if (liveTree != null) {
            addLive(e, 1);
        }
        unindexed++;
        nextSeq = seq + 1;
    }

    /**
     * Indexes the entries {@link #appendForLoad} appended. Throws IllegalArgumentException when
     * one of them repeats a key (the dictionary must then be discarded).
     */
    public void indexAppended() {
        int n = unindexed;
        if (n == 0) {
            return;
        }
        unindexed = 0;
        if (index == null) {
            // Small: the keys before the new ones are distinct; compare each new one with those before it.
            for (int e = filled - n; e < filled; e++) {
                byte[] key = key(e);
                for (int f = 0; f < e; f++) {
                    if (key(f) != null && Arrays.equals(key(f), key)) {
                        throw new IllegalArgumentException("duplicate key in ordered insert");
                    }
                }
            }
            return;
        }
        if ((indexUsed + n + 1) * 3 > index.length * 2) {
            // Grow the index over the entries indexed so far (distinct already), then add the new ones.
            indexEntriesBefore(filled - n);
            indexUsed = live - n;
        }
        int mask = index.length - 1;
        for (int e = filled - n; e < filled; e++) {
            int h = hashes[e];
            byte[] key = key(e);
            int i = h & mask;
            int perturb = h;
            int free = -1;
            while (true) {
                long v = index[i];
                int ref = (int) v;
                if (ref == 0) {
                    break;
                }
                if (ref < 0) {
                    if (free < 0) {
                        free = i;
                    }
                } else if ((int) (v >>> 32) == h && Arrays.equals(key(ref - 1), key)) {
                    throw new IllegalArgumentException("duplicate key in ordered insert");
                }
                perturb >>>= 5;
                i = (i * 5 + 1 + perturb) & mask;
            }
            if (free >= 0) {
                i = free;
            } else {
                indexUsed++;
            }
            index[i] = slot(h, e);
        }
    }

    /** Replaces the value at an entry index returned by {@link #indexOf}. */
    public void setValueAt(int entry, V value) {
        if (key(entry) == null || value == null) {
            throw new IllegalStateException("no live entry at " + entry);
        }
        kv[(entry << 1) + 1] = value;
    }

    /** Appends a new entry; {@code h} is the key's hash when {@code hashed} (computed here if needed). */
    private void insertNew(byte[] key, Object value, int h, boolean hashed, long seq) {
        if (filled == capacity()) {
            // Compact in place when at least half are tombstones, otherwise grow.
            int cap = live * 2 <= filled ? Math.max(MIN_CAPACITY, capacity()) : capacity() * 2;
            rebuild(cap);
        }
        if (index != null) {
            if (!hashed) {
                h = hash(key); // the dictionary just grew out of small
            }
            if ((indexUsed + 1) * 3 > index.length * 2) {
                rebuildIndex();
            }
        }
        int e = filled++;
        kv[e << 1] = key;
        kv[(e << 1) + 1] = value;
        setSeq(e, seq);
        live++;
        if (liveTree != null) {
            addLive(e, 1);
        }
        if (index == null) {
            return;
        }
        hashes[e] = h;
        int mask = index.length - 1;
        int i = h & mask;
        int perturb = h;
        while ((int) index[i] > 0) {
            perturb >>>= 5;
            i = (i * 5 + 1 + perturb) & mask;
        }
        if (index[i] == 0) {
            indexUsed++;
        }
        index[i] = slot(h, e);
    }

    /** Gives the entry just appended at {@code e} its sequence number. */
    private void setSeq(int e, long seq) {
        if (seqs == null) {
            if (e == 0) {
                seqBase = seq;
                return;
            }
            if (seq == seqBase + e) {
                return;
            }
            long[] sq = new long[capacity()];
            for (int i = 0; i < e; i++) {
                sq[i] = seqBase + i;
            }
            seqs = sq;
        }
        seqs[e] = seq;
    }

    /** Removes {@code key}; returns its value or null. */
    @SuppressWarnings("unchecked")
    public V remove(byte[] key) {
        if (live == 0) {
            return null;
        }
        int e;
        if (index == null) {
            e = findSmall(key);
            if (e < 0) {
                return null;
            }
        } else {
            int s = findSlot(key, hash(key));
            if (s < 0) {
                return null;
            }
            e = (int) index[s] - 1;
            index[s] = DELETED;
        }
        V old = (V) val(e);
        kv[e << 1] = null;
        kv[(e << 1) + 1] = null;
        live--;
        if (liveTree != null) {
            addLive(e, -1);
        }
        if (live == 0) {
            long seq = nextSeq;
            allocate(MIN_CAPACITY);
            nextSeq = seq;
        } else if (capacity() > 64 && live < capacity() / 8) {
            rebuild(Math.max(MIN_CAPACITY, capacity() / 4));
        }
        return old;
    }

    /** Removes everything; sequence numbers continue (cursors from before stay meaningful). */
    public void clear() {
        long seq = nextSeq;
        allocate(MIN_CAPACITY);
        nextSeq = seq;
    }

    /** Compacts the entry arrays into {@code capacity} slots (order and sequences kept). */
    private void rebuild(int capacity) {
        capacity = Math.max(capacity, live + 1);
        boolean small = capacity <= SMALL_CAPACITY;
        Object[] pairs = new Object[capacity * 2];
        // Dense sequences stay dense when no tombstone sits between live entries.
        int first = nextEntry(0);
        boolean dense = seqs == null && (first < 0 || lastEntry() - first + 1 == live);
        long[] sq = dense ? null : new long[capacity];
        int[] hs = small ? null : new int[capacity];
        int n = 0;
        for (int e = 0; e < filled; e++) {
            if (key(e) != null) {
                pairs[n << 1] = kv[e << 1];
                pairs[(n << 1) + 1] = kv[(e << 1) + 1];
                if (sq != null) {
                    sq[n] = seqAt(e);
                }
                if (hs != null) {
                    hs[n] = hashes != null ? hashes[e] : hash(key(e));
                }
                n++;
            }
        }
        if (dense && first >= 0) {
            seqBase += first;
        }
        kv = pairs;
        seqs = sq;
        hashes = hs;
        filled = n;
        liveTree = null;
        if (small) {
            index = null;
            indexUsed = 0;
        } else {
            rebuildIndex();
        }
    }

    /** Re-creates the index from the live entries, dropping deleted markers. */
    private void rebuildIndex() {
        indexEntriesBefore(filled);
        indexUsed = live;
    }

    /**
     * A new index, sized for every live entry, holding the live entries before {@code end}
     * (known to be distinct); the caller sets {@link #indexUsed}.
     */
    private void indexEntriesBefore(int end) {
        int size = indexSizeFor(capacity());
        while ((live + 1) * 3 > size * 2) {
            size *= 2;
        }
        index = new long[size];
        int mask = size - 1;
        for (int e = 0; e < end; e++) {
            if (key(e) == null) {
                continue;
            }
            int h = hashes[e];
            int i = h & mask;
            int perturb = h;
            while (index[i] != 0) {
                perturb >>>= 5;
                i = (i * 5 + 1 + perturb) & mask;
            }
            index[i] = slot(h, e);
        }
    }

    // ------------------------------------------------------------------ iteration

    /** The first live entry index at or after {@code from}, or -1. Use with {@link #keyAt}. */
    public int nextEntry(int from) {
        for (int e = Math.max(0, from); e < filled; e++) {
            if (key(e) != null) {
                return e;
            }
        }
        return -1;
    }

    /** The last live entry index at or before {@code from}, or -1 (reverse iteration). */
    public int prevEntry(int from) {
        for (int e = Math.min(from, filled - 1); e >= 0; e--) {
            if (key(e) != null) {
                return e;
            }
        }
        return -1;
    }

    public int firstEntry() {
        return nextEntry(0);
    }

    public int lastEntry() {
        return prevEntry(filled - 1);
    }

    public byte[] keyAt(int entry) {
        return key(entry);
    }

    @SuppressWarnings("unchecked")
    public V valueAt(int entry) {
        return (V) val(entry);
    }

    public long seqAt(int entry) {
        return seqs == null ? seqBase + entry : seqs[entry];
    }

    /** Visits live entries in order. The visitor must not modify this dict. */
    @SuppressWarnings("unchecked")
    public void forEach(BiConsumer<byte[], V> visitor) {
        for (int e = 0; e < filled; e++) {
            if (key(e) != null) {
                visitor.accept(key(e), (V) val(e));
            }
        }
    }

    /** Receives SCAN results. */
    @FunctionalInterface
    public interface ScanVisitor<V> {
        void visit(byte[] key, V value);
    }

    /**
     * One SCAN step: visits up to {@code count} live entries whose sequence is at least
     * {@code cursor} and returns the cursor to continue from, 0 when the end was reached.
     */
    @SuppressWarnings("unchecked")
    public long scan(long cursor, long count, ScanVisitor<V> visitor) {
        int e = firstAtOrAfter(cursor);
        long visited = 0;
        while (e < filled && visited < count) {
            if (key(e) != null) {
                visitor.visit(key(e), (V) val(e));
                visited++;
            }
            e++;
        }
        e = nextEntry(e);
        return e < 0 ? 0 : seqAt(e);
    }

    /** The first live entry index whose sequence is at least {@code seq}, or -1 (snapshots walk by sequence). */
    public int entryAtOrAfterSeq(long seq) {
        return nextEntry(firstAtOrAfter(seq));
    }

    /** The entry index of the first entry (live or not) with sequence >= seq. */
    private int firstAtOrAfter(long seq) {
        int lo = 0;
        int hi = filled;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (seqAt(mid) < seq) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * A uniformly chosen live entry index (the dict must not be empty). The pick is the live
     * entry of a random rank in iteration order, so it depends only on the entries and their
     * order, never on where tombstones sit in the entry array: a dict reloaded from a snapshot
     * or a RESTORE payload (which has no tombstones) picks the same entry for the same random
     * stream (DESIGN.md, determinism rule 3). O(1) without tombstones, O(log n) with them.
     */
    public int randomEntry(RandomGenerator random) {
        if (live == 0) {
            throw new IllegalStateException("empty");
        }
        int rank = random.nextInt(live);
        if (filled == live) {
            return rank;
        }
        if (liveTree == null) {
            buildLiveTree();
        }
        // Fenwick descent: the largest slot prefix holding at most `rank` live entries ends
        // just before the wanted entry.
        int pos = 0;
        int n = liveTree.length - 1;
        for (int step = Integer.highestOneBit(n); step > 0; step >>>= 1) {
            int next = pos + step;
            if (next <= n && liveTree[next] <= rank) {
                pos = next;
                rank -= liveTree[next];
            }
        }
        return pos;
    }

    private void buildLiveTree() {
        int n = capacity();
        int[] t = new int[n + 1];
        for (int i = 1; i <= n; i++) {
            if (i <= filled && key(i - 1) != null) {
                t[i]++;
            }
            int parent = i + (i & -i);
            if (parent <= n) {
                t[parent] += t[i];
            }
        }
        liveTree = t;
    }

    private void addLive(int entry, int delta) {
        for (int i = entry + 1; i < liveTree.length; i += i & -i) {
            liveTree[i] += delta;
        }
    }
}
