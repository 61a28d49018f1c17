package io.vellum.core.types.stream;

import io.vellum.core.types.ListpackSize;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One node of a stream, as one listpack of Redis's radix tree: the master ID (the first
 * entry's) and master fields, the entries in ID order (tombstones included) and the bytes the
 * listpack would take. The byte count and the live/deleted counts decide where XADD starts a
 * new node; {@code ~} trimming removes whole nodes only.
 */
final class StreamNode {
    final StreamId master;
    final byte[][] masterFields;
    final List<StreamEntry> entries;
    /** The entries' IDs, in order: binary searches read these, not the entry objects. */
    private long[] idMs;
    private long[] idSeq;
    int live;
    int deleted;
    /** Listpack bytes except the live and deleted counters (whose encodings vary). */
    long fixedBytes;

    StreamNode(StreamId master, byte[][] masterFields, int capacity) {
        this.master = master;
        this.masterFields = masterFields;
        this.entries = new ArrayList<>(capacity);
        this.idMs = new long[Math.max(capacity, 4)];
        this.idSeq = new long[Math.max(capacity, 4)];
    }

    /** A node opened by its first entry: the master entry holds that entry's fields. */
    static StreamNode open(StreamId id, byte[][] fieldsAndValues) {
        int n = fieldsAndValues.length / 2;
        byte[][] fields = new byte[n][];
        for (int i = 0; i < n; i++) {
            fields[i] = fieldsAndValues[2 * i];
        }
        StreamNode node = new StreamNode(id, fields, 4);
        long bytes = ListpackSize.EMPTY + ListpackSize.ofInt(n) + ListpackSize.ofInt(0);
        for (byte[] f : fields) {
            bytes += ListpackSize.ofString(f);
        }
        node.fixedBytes = bytes;
        return node;
    }

    long bytes() {
        return fixedBytes + ListpackSize.ofInt(live) + ListpackSize.ofInt(deleted);
    }

    boolean sameFields(byte[][] fieldsAndValues) {
        if (fieldsAndValues.length / 2 != masterFields.length) {
            return false;
        }
        for (int i = 0; i < masterFields.length; i++) {
            if (!Arrays.equals(masterFields[i], fieldsAndValues[2 * i])) {
                return false;
            }
        }
        return true;
    }

    /** Appends an entry (live), counting its listpack bytes as streamAppendItem writes them. */
    void append(StreamEntry e) {
        byte[][] fv = e.fieldsAndValues();
        int n = fv.length / 2;
        boolean same = sameFields(fv);
        long bytes = ListpackSize.ofInt(same ? 2 : 0)
                + ListpackSize.ofInt(e.id().ms() - master.ms())
                + ListpackSize.ofInt(e.id().seq() - master.seq());
        if (!same) {
            bytes += ListpackSize.ofInt(n);
            for (int i = 0; i < n; i++) {
                bytes += ListpackSize.ofString(fv[2 * i]);
            }
        }
        for (int i = 0; i < n; i++) {
            bytes += ListpackSize.ofString(fv[2 * i + 1]);
        }
        bytes += ListpackSize.ofInt(same ? n + 3 : 2L * n + 4);
        fixedBytes += bytes;
        int n0 = entries.size();
        if (n0 == idMs.length) {
            idMs = java.util.Arrays.copyOf(idMs, n0 * 2);
            idSeq = java.util.Arrays.copyOf(idSeq, n0 * 2);
        }
        idMs[n0] = e.id().ms();
        idSeq[n0] = e.id().seq();
        entries.add(e);
        live++;
    }

    /** Marks an entry deleted (its flags change in place; the counters move). */
    void markDeleted(StreamEntry e) {
        e.deleted = true;
        live--;
        deleted++;
    }

    /** Index of the first entry with ID >= {@code id} (entries.size() if none). */
    int ceilingIndex(StreamId id) {
        int lo = 0;
        int hi = entries.size();
        long ms = id.ms();
        long seq = id.seq();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Long.compareUnsigned(idMs[mid], ms);
            if (c < 0 || (c == 0 && Long.compareUnsigned(idSeq[mid], seq) < 0)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Index of the last entry with ID <= {@code id} (-1 if none). */
    int floorIndex(StreamId id) {
        int i = ceilingIndex(id);
        if (i < entries.size() && entries.get(i).id().equals(id)) {
            return i;
        }
        return i - 1;
    }

    StreamEntry lastEntry() {
        return entries.get(entries.size() - 1);
    }

    StreamNode copy() {
        StreamNode n = new StreamNode(master, masterFields, entries.size());
        for (StreamEntry e : entries) {
            StreamEntry c = new StreamEntry(e.id(), e.fieldsAndValues());
            c.deleted = e.deleted;
            n.entries.add(c);
        }
        n.idMs = idMs.clone();
        n.idSeq = idSeq.clone();
        n.live = live;
        n.deleted = deleted;
        n.fixedBytes = fixedBytes;
        return n;
    }
}
