package io.vellum.core.types.stream;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.TreeMap;

/**
 * The entries of a stream laid out as Redis lays them out (t_stream.c): an ordered map of
 * nodes keyed by their master ID (Redis's radix tree of listpacks), each node holding up to
 * {@code stream-node-max-entries} entries (tombstones included) and up to
 * {@code stream-node-max-bytes} listpack bytes. Keeping Redis's node boundaries makes
 * {@code ~} trimming remove exactly what Redis removes, and XINFO's radix-tree-keys agree.
 *
 * <p>Finding an ID is O(log n) (a map lookup, then a binary search in a bounded node).
 * Not thread-safe: owned by the engine thread.
 */
public final class StreamEntries {
    /** STREAM_LISTPACK_MAX_SIZE. */
    private static final long LISTPACK_MAX_SIZE = 1L << 30;

    private final TreeMap<StreamId, StreamNode> nodes = new TreeMap<>();
    private long length;
    /** radix-tree-nodes, computed when asked after the set of nodes changed (-1: not known). */
    private long raxNodes = -1;

    public long length() {
        return length;
    }

    /** radix-tree-keys of XINFO STREAM. */
    public int nodeCount() {
        return nodes.size();
    }

    // ------------------------------------------------------------------ adding

    /** streamAppendItem after the ID was chosen: adds the entry, opening a node where Redis would. */
    public void append(StreamId id, byte[][] fieldsAndValues, long nodeMaxBytes, long nodeMaxEntries) {
        long elementBytes = 0;
        for (byte[] b : fieldsAndValues) {
            elementBytes += b.length;
        }
        StreamNode tail = nodes.isEmpty() ? null : nodes.lastEntry().getValue();
        if (tail != null) {
            long maxBytes = nodeMaxBytes == 0 || nodeMaxBytes > LISTPACK_MAX_SIZE ? LISTPACK_MAX_SIZE : nodeMaxBytes;
            if (tail.bytes() + elementBytes >= maxBytes) {
                tail = null;
            } else if (nodeMaxEntries != 0 && (long) tail.live + tail.deleted >= nodeMaxEntries) {
                tail = null;
            }
        }
        if (tail == null) {
            tail = StreamNode.open(id, fieldsAndValues);
            nodes.put(id, tail);
            raxNodes = -1;
        }
        tail.append(new StreamEntry(id, fieldsAndValues));
        length++;
    }

    /** Adds an entry from a stored stream into a node that must be the last one (loading). */
    void load(StreamNode node) {
        nodes.put(node.master, node);
        raxNodes = -1;
        length += node.live;
    }

    // ------------------------------------------------------------------ reading

    /** The live entry with this ID, or null. */
    public StreamEntry get(StreamId id) {
        Map.Entry<StreamId, StreamNode> n = nodes.floorEntry(id);
        if (n == null) {
            return null;
        }
        StreamNode node = n.getValue();
        int i = node.ceilingIndex(id);
        if (i < node.entries.size()) {
            StreamEntry e = node.entries.get(i);
            if (e.id().equals(id) && !e.deleted) {
                return e;
            }
        }
        return null;
    }

    /** The first live entry, or null. */
    public StreamEntry first() {
        Iterator<StreamEntry> it = range(StreamId.MIN, StreamId.MAX, false);
        return it.hasNext() ? it.next() : null;
    }

    /** streamGetEdgeID(first, with tombstones): the first entry's ID, deleted or not; the maximal ID when empty. */
    public StreamId firstIdWithTombstones() {
        return nodes.isEmpty() ? StreamId.MAX : nodes.firstEntry().getValue().entries.get(0).id();
    }

    /** The last live entry (streamLastValidID), or null. */
    public StreamEntry last() {
        Iterator<StreamEntry> it = range(StreamId.MIN, StreamId.MAX, true);
        return it.hasNext() ? it.next() : null;
    }

    /** Live entries with {@code start <= id <= end}, ascending or (rev) descending. */
    public Iterator<StreamEntry> range(StreamId start, StreamId end, boolean rev) {
        return rev ? new Backward(start, end) : new Forward(start, end);
    }

    private final class Forward implements Iterator<StreamEntry> {
        private final StreamId end;
        private final Iterator<StreamNode> nodeIt;
        private StreamNode node;
        private int index;
        private StreamEntry next;

        Forward(StreamId start, StreamId end) {
            this.end = end;
            StreamId from = nodes.floorKey(start);
            nodeIt = (from == null ? nodes : nodes.tailMap(from, true)).values().iterator();
            if (nodeIt.hasNext()) {
                node = nodeIt.next();
                index = node.ceilingIndex(start);
            }
            advance();
        }

        private void advance() {
            next = null;
            while (node != null) {
                while (index < node.entries.size()) {
                    StreamEntry e = node.entries.get(index++);
                    if (e.deleted) {
                        continue;
                    }
                    if (e.id().compareTo(end) > 0) {
                        node = null;
                        return;
                    }
                    next = e;
                    return;
                }
                node = nodeIt.hasNext() ? nodeIt.next() : null;
                index = 0;
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public StreamEntry next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            StreamEntry e = next;
            advance();
            return e;
        }
    }

    private final class Backward implements Iterator<StreamEntry> {
        private final StreamId start;
        private final StreamId end;
        private final Iterator<StreamNode> nodeIt;
        private StreamNode node;
        private int index;
        private StreamEntry next;

        Backward(StreamId start, StreamId end) {
            this.start = start;
            this.end = end;
            StreamId from = nodes.floorKey(end);
            if (from == null) {
                nodeIt = nodes.descendingMap().values().iterator();
                if (nodeIt.hasNext()) {
                    node = nodeIt.next();
                    index = node.entries.size() - 1;
                }
            } else {
                nodeIt = nodes.headMap(from, true).descendingMap().values().iterator();
                node = nodeIt.next();
                index = node.floorIndex(end);
            }
            advance();
        }

        private void advance() {
            next = null;
            while (node != null) {
                while (index >= 0) {
                    StreamEntry e = node.entries.get(index--);
                    if (e.deleted || e.id().compareTo(end) > 0) {
                        continue;
                    }
                    if (e.id().compareTo(start) < 0) {
                        node = null;
                        return;
                    }
                    next = e;
                    return;
                }
                node = nodeIt.hasNext() ? nodeIt.next() : null;
                index = node == null ? -1 : node.entries.size() - 1;
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public StreamEntry next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            StreamEntry e = next;
            advance();
            return e;
        }
    }

    // ------------------------------------------------------------------ removing

    /** streamDeleteItem: marks the live entry deleted (its node goes with its last live entry). */
    public boolean delete(StreamId id) {
        Map.Entry<StreamId, StreamNode> n = nodes.floorEntry(id);
        if (n == null) {
            return false;
        }
        StreamNode node = n.getValue();
        int i = node.ceilingIndex(id);
        if (i >= node.entries.size()) {
            return false;
        }
        StreamEntry e = node.entries.get(i);
        if (!e.id().equals(id) || e.deleted) {
            return false;
        }
        if (node.live == 1) {
            nodes.remove(n.getKey());
            raxNodes = -1;
        } else {
            node.markDeleted(e);
        }
        length--;
        return true;
    }

    /**
     * streamTrim: removes entries from the head until at most {@code maxlen} remain
     * ({@code minId} null) or none is below {@code minId}. {@code approx} removes whole nodes
     * only; {@code limit} (0: none) caps the entries removed. Returns how many went.
     */
    public long trim(long maxlen, StreamId minId, boolean approx, long limit) {
        boolean byLength = minId == null;
        long deleted = 0;
        Iterator<Map.Entry<StreamId, StreamNode>> it = nodes.entrySet().iterator();
        while (it.hasNext()) {
            if (byLength && length <= maxlen) {
                break;
            }
            StreamNode node = it.next().getValue();
            long entries = node.live;
            if (limit != 0 && deleted + entries > limit) {
                break;
            }
            boolean removeNode = byLength ? length - entries >= maxlen : node.lastEntry().id().compareTo(minId) < 0;
            if (removeNode) {
                it.remove();
                raxNodes = -1;
                length -= entries;
                deleted += entries;
                continue;
            }
            if (approx) {
                break;
            }
            for (StreamEntry e : node.entries) {
                boolean stop = byLength ? length <= maxlen : e.id().compareTo(minId) >= 0;
                if (stop) {
                    break;
                }
                if (!e.deleted) {
                    node.markDeleted(e);
                    length--;
                    deleted++;
                }
            }
            break;
        }
        return deleted;
    }

    // ------------------------------------------------------------------ structure

    /**
     * radix-tree-nodes of XINFO STREAM: the nodes of a compressed radix tree over the nodes'
     * 16-byte big-endian master IDs (each node is either a run of bytes with one child, a
     * branch, or the end of a key), as Redis's rax holds them.
     */
    public long radixTreeNodes() {
        if (raxNodes < 0) {
            raxNodes = computeRadixTreeNodes();
        }
        return raxNodes;
    }

    private long computeRadixTreeNodes() {
        List<byte[]> keys = new ArrayList<>(nodes.size());
        for (StreamId id : nodes.keySet()) {
            byte[] k = new byte[16];
            for (int i = 0; i < 8; i++) {
                k[i] = (byte) (id.ms() >>> (56 - 8 * i));
                k[8 + i] = (byte) (id.seq() >>> (56 - 8 * i));
            }
            keys.add(k);
        }
        return keys.isEmpty() ? 1 : countRaxNodes(keys, 0, keys.size(), 0);
    }

    private static long countRaxNodes(List<byte[]> keys, int lo, int hi, int depth) {
        if (depth == 16) {
            return 1;
        }
        byte[] a = keys.get(lo);
        byte[] b = keys.get(hi - 1);
        int common = 0;
        while (depth + common < 16 && a[depth + common] == b[depth + common]) {
            common++;
        }
        if (common > 0) {
            return 1 + countRaxNodes(keys, lo, hi, depth + common);
        }
        long n = 1;
        int from = lo;
        for (int i = lo + 1; i <= hi; i++) {
            if (i == hi || keys.get(i)[depth] != keys.get(from)[depth]) {
                n += countRaxNodes(keys, from, i, depth + 1);
                from = i;
            }
        }
        return n;
    }

    /** The nodes in order, for storing. */
    public Iterable<StreamNodeView> nodes() {
        List<StreamNodeView> out = new ArrayList<>(nodes.size());
        for (StreamNode n : nodes.values()) {
            out.add(new StreamNodeView(n.master, n.entries));
        }
        return out;
    }

    /** A node as stored: its master ID and its entries, tombstones included. */
    public record StreamNodeView(StreamId master, List<StreamEntry> entries) {
    }

    /** Rebuilds a node from storage: the first entry opens it, tombstones keep their place. */
    public void loadNode(List<StreamId> ids, List<byte[][]> fieldsAndValues, List<Boolean> deletedFlags) {
        if (ids.isEmpty()) {
            throw new IllegalArgumentException("empty stream node");
        }
        if (!nodes.isEmpty() && nodes.lastEntry().getValue().lastEntry().id().compareTo(ids.get(0)) >= 0) {
            throw new IllegalArgumentException("stream nodes out of order");
        }
        StreamNode node = StreamNode.open(ids.get(0), fieldsAndValues.get(0));
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0 && ids.get(i).compareTo(ids.get(i - 1)) <= 0) {
                throw new IllegalArgumentException("stream IDs out of order");
            }
            byte[][] fv = fieldsAndValues.get(i);
            if (fv.length == 0 || fv.length % 2 != 0) {
                throw new IllegalArgumentException("stream entry with " + fv.length + " fields and values");
            }
            StreamEntry e = new StreamEntry(ids.get(i), fv);
            node.append(e);
            if (deletedFlags.get(i)) {
                node.markDeleted(e);
            }
        }
        // a node may hold only tombstones (MINID trimming can leave one, as in Redis)
        load(node);
    }

    public StreamEntries copy() {
        StreamEntries c = new StreamEntries();
        for (StreamNode n : nodes.values()) {
            c.nodes.put(n.master, n.copy());
        }
        c.length = length;
        c.raxNodes = raxNodes;
        return c;
    }
}
