package io.vellum.core.types;


/**
 * The shape Redis 7.2 would give a list, kept beside {@link ListValue}'s elements only so
 * that OBJECT ENCODING answers what Redis answers. The elements themselves live in
 * ListValue's array; this class holds sizes and counts, never bytes.
 *
 * <p><b>The rules (t_list.c, quicklist.c, listpack.c of 7.2).</b> A list starts as one
 * listpack. Before elements are added, if the listpack's byte size plus the added elements'
 * lengths, or its length plus their count, exceeds the node limit of
 * {@code list-max-listpack-size} ({@code quicklistNodeExceedsLimit}), the listpack becomes a
 * quicklist of one node. A quicklist grows node by node: a push goes into the end node if
 * {@code _quicklistNodeAllowInsert} says so, else into a new node; an element larger than
 * the limit gets a "plain" node of its own; LINSERT and LSET insert, split and merge nodes as
 * {@code _quicklistInsert} and {@code quicklistReplaceEntry} do; deletions shrink nodes and
 * drop empty ones. After elements are removed, a quicklist of a single packed node whose size
 * and count are at most half the limit becomes a listpack again.
 *
 * <p>Sizes are exact listpack byte counts: a listpack is a 6-byte header, its entries and a
 * 1-byte terminator; an entry's size follows {@code lpEncodeGetType} (integers in 1 to 9
 * bytes, strings with a 1, 2 or 5-byte header) plus its back-length (1 to 5 bytes).
 *
 * <p>Not thread-safe: owned by the engine thread with its list.
 */
final class ListLayout {
    /** LP_HDR_SIZE + the end byte. */
    static final int LP_EMPTY = 7;
    /** quicklist.c SIZE_SAFETY_LIMIT. */
    private static final int SIZE_SAFETY_LIMIT = 8192;
    /** quicklist.c SIZE_ESTIMATE_OVERHEAD. */
    private static final int SIZE_ESTIMATE_OVERHEAD = 8;
    private static final int[] OPTIMIZATION_LEVEL = {4096, 8192, 16384, 32768, 65536};
    private static final int FILL_MAX = (1 << 15) - 1;

    /** One quicklist node: how many elements, its listpack bytes (or element bytes if plain). */
    static final class Node {
        int count;
        long sz;
        boolean plain;
        /** Elements marked for removal during one LREM pass. */
        int removed;
        Node prev;
        Node next;

        Node(int count, long sz, boolean plain) {
            this.count = count;
            this.sz = sz;
            this.plain = plain;
        }
    }

    /** The element store this layout describes (index 0 is the head). */
    interface Elements {
        int size();

        byte[] get(int index);
    }

    private final Elements elements;
    private boolean quicklist;
    /** Listpack bytes while listpack-encoded. */
    private long lpBytes = LP_EMPTY;
    /** The quicklist's own fill, fixed when it was created (quicklistSetOptions). */
    private int fill;
    private Node head;
    private Node tail;
    private int nodes;

    ListLayout(Elements elements) {
        this.elements = elements;
    }

    boolean isQuicklist() {
        return quicklist;
    }

    // ------------------------------------------------------------------ sizes

    /** The bytes {@code e} takes as a listpack entry, back-length included. */
    static int entrySize(byte[] e) {
        return ListpackSize.ofString(e);
    }

    /** quicklistNodeLimit: {size limit, count limit}; Long.MAX_VALUE when not limited. */
    private static long[] nodeLimit(int fill) {
        if (fill >= 0) {
            return new long[] {Long.MAX_VALUE, fill == 0 ? 1 : fill};
        }
        int offset = (int) Math.min(-(long) fill - 1, OPTIMIZATION_LEVEL.length - 1);
        return new long[] {OPTIMIZATION_LEVEL[offset], 0xFFFFFFFFL};
    }

    /** quicklistNodeExceedsLimit. */
    private static boolean exceedsLimit(int fill, long newSz, long newCount) {
        long[] lim = nodeLimit(fill);
        if (lim[0] != Long.MAX_VALUE) {
            return newSz > lim[0];
        }
        if (newSz > SIZE_SAFETY_LIMIT) {
            return true;
        }
        return newCount > lim[1];
    }

    /** isLargeElement: such an element gets a plain node of its own. */
    private static boolean isLarge(long len, int fill) {
        if (fill >= 0) {
            return len > SIZE_SAFETY_LIMIT;
        }
        return len > nodeLimit(fill)[0];
    }

    private static int clampFill(int fill) {
        return Math.max(-5, Math.min(FILL_MAX, fill));
    }

    // ------------------------------------------------------------------ conversions

    /**
     * listTypeTryConversionAppend: before {@code count} elements of {@code addBytes} total
     * length are added to a listpack, converts it if they would not fit one node.
     */
    void beforeAppend(long addBytes, long count, int configFill) {
        if (!quicklist && exceedsLimit(configFill, lpBytes + addBytes, elements.size() + count)) {
            quicklist = true;
            fill = clampFill(configFill);
            head = tail = null;
            nodes = 0;
            if (elements.size() > 0) {
                appendNode(new Node(elements.size(), lpBytes, false));
            }
        }
    }

    /** listTypeTryConversion(LIST_CONV_SHRINKING): after removals, maybe back to a listpack. */
    void afterShrink(int configFill) {
        if (!quicklist || nodes != 1 || head.plain) {
            return;
        }
        long[] lim = nodeLimit(configFill);
        long szLimit = lim[0] == Long.MAX_VALUE ? Long.MAX_VALUE : lim[0] / 2;
        long countLimit = lim[1] / 2;
        if (head.sz > szLimit || head.count > countLimit) {
            return;
        }
        quicklist = false;
        lpBytes = head.sz;
        head = tail = null;
        nodes = 0;
    }

    // ------------------------------------------------------------------ end operations

    /** An element was added at the head or the tail (the element store already holds it). */
    void pushed(byte[] e, boolean atHead) {
        if (!quicklist) {
            lpBytes += entrySize(e);
            return;
        }
        Node end = atHead ? head : tail;
        if (isLarge(e.length, fill)) {
            insertNode(end, new Node(1, e.length, true), !atHead);
        } else if (allowInsert(end, e.length)) {
            end.count++;
            end.sz += entrySize(e);
        } else {
            insertNode(end, new Node(1, LP_EMPTY + entrySize(e), false), !atHead);
        }
    }

    /** The element {@code e} was removed from the head or the tail. */
    void popped(byte[] e, boolean atHead) {
        if (!quicklist) {
            lpBytes -= entrySize(e);
            return;
        }
        shrinkNode(atHead ? head : tail, e);
    }

    // ------------------------------------------------------------------ middle operations

    /**
     * Elements at these positions (ascending, positions before any removal) are about to be
     * removed (LREM). One pass over the nodes.
     */
    void removing(int[] positions, int n) {
        if (!quicklist) {
            for (int i = 0; i < n; i++) {
                lpBytes -= entrySize(elements.get(positions[i]));
            }
            return;
        }
        Node node = head;
        int nodeStart = 0;
        for (int i = 0; i < n; i++) {
            int p = positions[i];
            while (p >= nodeStart + node.count) {
                nodeStart += node.count;
                node = node.next;
            }
            node.removed++;
            if (!node.plain) {
                node.sz -= entrySize(elements.get(p));
            }
        }
        for (Node x = head; x != null; ) {
            Node next = x.next;
            x.count -= x.removed;
            x.removed = 0;
            if (x.count == 0) {
                unlink(x);
            }
            x = next;
        }
    }

    /** Replacing the element at {@code index} (LSET); call before the store changes. */
    void replacing(int index, byte[] old, byte[] e) {
        if (!quicklist) {
            lpBytes += entrySize(e) - entrySize(old);
            return;
        }
        Located at = locate(index);
        Node node = at.node;
        boolean large = isLarge(e.length, fill);
        if (!node.plain && !large) {
            node.sz += entrySize(e) - entrySize(old);
        } else if (node.plain) {
            if (large) {
                node.sz = e.length;
            } else {
                insertAt(at, index, e, true);
                unlink(node);
            }
        } else {
            // a packed node gets a large element: split after it, plain node in between
            Node split = null;
            if (at.offset != node.count - 1) {
                split = splitAfter(node, index - at.offset, at.offset);
            }
            Node plain = new Node(1, e.length, true);
            insertNode(node, plain, true);
            if (split != null) {
                insertNode(plain, split, true);
            }
            if (node.count == 1) {
                unlink(node);
            } else {
                node.count--;
                node.sz -= entrySize(old);
                mergeAround(plain);
            }
        }
    }

    /** Inserting {@code e} before or after the element at {@code pivot} (LINSERT); call before the store changes. */
    void inserting(int pivot, boolean after, byte[] e) {
        if (!quicklist) {
            lpBytes += entrySize(e);
            return;
        }
        insertAt(locate(pivot), pivot, e, after);
    }

    // ------------------------------------------------------------------ quicklist internals

    private record Located(Node node, int offset) {
    }

    /** The node holding element {@code index} and the element's offset in it. */
    private Located locate(int index) {
        int size = elements.size();
        if (index < size / 2) {
            int start = 0;
            for (Node n = head; n != null; n = n.next) {
                if (index < start + n.count) {
                    return new Located(n, index - start);
                }
                start += n.count;
            }
        } else {
            int end = size;
            for (Node n = tail; n != null; n = n.prev) {
                if (index >= end - n.count) {
                    return new Located(n, index - (end - n.count));
                }
                end -= n.count;
            }
        }
        throw new IllegalStateException("index " + index + " outside the layout of " + size);
    }

    private boolean allowInsert(Node node, long len) {
        if (node == null || node.plain || isLarge(len, fill)) {
            return false;
        }
        return !exceedsLimit(fill, node.sz + len + SIZE_ESTIMATE_OVERHEAD, node.count + 1L);
    }

    private boolean allowMerge(Node a, Node b) {
        if (a == null || b == null || a.plain || b.plain) {
            return false;
        }
        return !exceedsLimit(fill, a.sz + b.sz - LP_EMPTY, (long) a.count + b.count);
    }

    /** _quicklistInsert for the element at {@code at} (global index {@code index}). */
    private void insertAt(Located at, int index, byte[] e, boolean after) {
        Node node = at.node;
        int len = e.length;
        boolean full = !allowInsert(node, len);
        boolean atTail = after && at.offset == node.count - 1;
        boolean atHead = !after && at.offset == 0;
        boolean availNext = atTail && allowInsert(node.next, len);
        boolean availPrev = atHead && allowInsert(node.prev, len);
        if (isLarge(len, fill)) {
            if (node.plain || atTail || atHead) {
                insertNode(node, new Node(1, len, true), after);
            } else {
                Node split = after ? splitAfter(node, index - at.offset, at.offset)
                        : splitBefore(node, index - at.offset, at.offset);
                Node plain = new Node(1, len, true);
                insertNode(node, plain, after);
                insertNode(plain, split, after);
            }
            return;
        }
        int es = entrySize(e);
        if (!full) {
            node.count++;
            node.sz += es;
        } else if (atTail && availNext) {
            node.next.count++;
            node.next.sz += es;
        } else if (atHead && availPrev) {
            node.prev.count++;
            node.prev.sz += es;
        } else if (atTail || atHead) {
            insertNode(node, new Node(1, LP_EMPTY + es, false), after);
        } else {
            Node split = after ? splitAfter(node, index - at.offset, at.offset)
                    : splitBefore(node, index - at.offset, at.offset);
            split.count++;
            split.sz += es;
            insertNode(node, split, after);
            mergeAround(node);
        }
    }

    /** _quicklistSplitNode(after=1): {@code node} keeps [0, offset], the result gets the rest. */
    private Node splitAfter(Node node, int nodeStart, int offset) {
        long movedSz = LP_EMPTY;
        for (int i = offset + 1; i < node.count; i++) {
            movedSz += entrySize(elements.get(nodeStart + i));
        }
        Node split = new Node(node.count - offset - 1, movedSz, false);
        node.count = offset + 1;
        node.sz = node.sz - movedSz + LP_EMPTY;
        return split;
    }

    /** _quicklistSplitNode(after=0): the result gets [0, offset), {@code node} keeps the rest. */
    private Node splitBefore(Node node, int nodeStart, int offset) {
        long movedSz = LP_EMPTY;
        for (int i = 0; i < offset; i++) {
            movedSz += entrySize(elements.get(nodeStart + i));
        }
        Node split = new Node(offset, movedSz, false);
        node.count -= offset;
        node.sz = node.sz - movedSz + LP_EMPTY;
        return split;
    }

    /** _quicklistMergeNodes around {@code center}. */
    private void mergeAround(Node center) {
        Node prev = center.prev;
        Node prevPrev = prev == null ? null : prev.prev;
        Node next = center.next;
        Node nextNext = next == null ? null : next.next;
        if (allowMerge(prev, prevPrev)) {
            merge(prevPrev, prev);
        }
        if (allowMerge(next, nextNext)) {
            merge(next, nextNext);
        }
        Node target = center;
        if (allowMerge(center, center.prev)) {
            target = merge(center.prev, center);
        }
        if (allowMerge(target, target.next)) {
            merge(target, target.next);
        }
    }

    /** Merges {@code b} (right of {@code a}) into {@code a}; returns {@code a}. */
    private Node merge(Node a, Node b) {
        a.count += b.count;
        a.sz += b.sz - LP_EMPTY;
        unlink(b);
        return a;
    }

    private void shrinkNode(Node node, byte[] e) {
        node.count--;
        if (node.count == 0) {
            unlink(node);
        } else if (!node.plain) {
            node.sz -= entrySize(e);
        }
    }

    private void appendNode(Node n) {
        insertNode(tail, n, true);
    }

    /** Inserts {@code n} after (or before) {@code at}; with no {@code at}, as the only node. */
    private void insertNode(Node at, Node n, boolean after) {
        if (at == null) {
            head = tail = n;
            n.prev = n.next = null;
        } else if (after) {
            n.prev = at;
            n.next = at.next;
            if (at.next != null) {
                at.next.prev = n;
            } else {
                tail = n;
            }
            at.next = n;
        } else {
            n.next = at;
            n.prev = at.prev;
            if (at.prev != null) {
                at.prev.next = n;
            } else {
                head = n;
            }
            at.prev = n;
        }
        nodes++;
    }

    private void unlink(Node n) {
        if (n.prev != null) {
            n.prev.next = n.next;
        } else {
            head = n.next;
        }
        if (n.next != null) {
            n.next.prev = n.prev;
        } else {
            tail = n.prev;
        }
        n.prev = n.next = null;
        nodes--;
    }

    // ------------------------------------------------------------------ persistence

    /** Node counts for the stored form: positive for a packed node, -1 for a plain one. */
    int[] nodeShape() {
        if (!quicklist) {
            return new int[0];
        }
        int[] out = new int[nodes];
        int i = 0;
        for (Node n = head; n != null; n = n.next) {
            out[i++] = n.plain ? -1 : n.count;
        }
        return out;
    }

    int fill() {
        return fill;
    }

    /** Rebuilds the layout from its stored form (the elements must be in place). */
    void restore(boolean asQuicklist, int quicklistFill, int[] shape) {
        quicklist = asQuicklist;
        head = tail = null;
        nodes = 0;
        if (!asQuicklist) {
            lpBytes = LP_EMPTY;
            for (int i = 0; i < elements.size(); i++) {
                lpBytes += entrySize(elements.get(i));
            }
            return;
        }
        fill = clampFill(quicklistFill);
        int at = 0;
        for (int s : shape) {
            if (s < 0) {
                appendNode(new Node(1, elements.get(at).length, true));
                at++;
            } else {
                long sz = LP_EMPTY;
                for (int i = 0; i < s; i++) {
                    sz += entrySize(elements.get(at + i));
                }
                appendNode(new Node(s, sz, false));
                at += s;
            }
        }
        if (at != elements.size()) {
            throw new IllegalArgumentException("list layout covers " + at + " of " + elements.size() + " elements");
        }
    }

    /**
     * Checks that the layout describes the elements: node counts add up, and every packed
     * node's size is its elements' listpack size (tests call this after each change).
     */
    void verify() {
        int n = elements.size();
        if (!quicklist) {
            long sz = LP_EMPTY;
            for (int i = 0; i < n; i++) {
                sz += entrySize(elements.get(i));
            }
            check(sz == lpBytes, "listpack bytes " + lpBytes + ", elements need " + sz);
            return;
        }
        int at = 0;
        int seen = 0;
        for (Node x = head; x != null; x = x.next) {
            seen++;
            check(x.count > 0, "empty node");
            check(x.next != null || x == tail, "tail link");
            if (x.plain) {
                check(x.count == 1 && x.sz == elements.get(at).length, "plain node");
            } else {
                long sz = LP_EMPTY;
                for (int i = 0; i < x.count; i++) {
                    sz += entrySize(elements.get(at + i));
                }
                check(sz == x.sz, "node " + seen + " bytes " + x.sz + ", elements need " + sz);
            }
            at += x.count;
        }
        check(seen == nodes, "node count " + nodes + ", linked " + seen);
        check(at == n, "nodes cover " + at + " of " + n + " elements");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("list layout: " + what);
        }
    }

    /** The number of quicklist nodes (0 for a listpack). */
    int nodeCount() {
        return quicklist ? nodes : 0;
    }

    /** A deep copy describing {@code target}'s elements (COPY, snapshot copy-on-write). */
    ListLayout copyFor(Elements target) {
        ListLayout c = new ListLayout(target);
        c.quicklist = quicklist;
        c.lpBytes = lpBytes;
        c.fill = fill;
        for (Node n = head; n != null; n = n.next) {
            c.appendNode(new Node(n.count, n.sz, n.plain));
        }
        return c;
    }
}
