package io.vellum.core.data;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The order of a sorted set: elements sorted by score, ties by member bytes (unsigned, a
 * prefix first, as Redis's sdscmp), in a skip list whose links carry spans (the number of
 * elements each link skips), so rank lookups, lookups by rank and range bounds are
 * O(log n) expected, as in Redis's t_zset.c (William Pugh's skip list with Redis's three
 * changes: repeated scores, ordering by member too, a backward link on level 0).
 *
 * <p><b>Determinism.</b> Node levels come from a generator owned by the list and seeded with
 * a constant, so the shape of a list is a function of its operation history; no wall clock
 * or shared randomness is involved. Levels are not observable (only costs depend on them).
 *
 * <p>Scores compare with {@code <} and {@code ==} as Redis's C code does: -0.0 and 0.0 are
 * the same score. NaN is never inserted (callers refuse it).
 *
 * <p>Not thread-safe: owned by the engine thread.
 */
public final class ZSkipList {
    static final int MAX_LEVEL = 32;
    /**
     * The header's levels at first, grown as the list's level grows: a level above 4 needs about
     * a thousand elements, and most sorted sets are small (a 32-level header was 288 bytes of
     * a five-member set's 1.3 KB).
     */
    private static final int HEADER_LEVELS = 4;

    /** One element. The member bytes are shared with the member dictionary; never mutate them. */
    public static final class Node {
        private final byte[] member;
        private double score;
        /** Final but for the header's, which grow with the list's level. */
        /** Level 0's link and span in fields: three nodes in four have no other level, and no arrays. */
        private Node next0;
        private int span0;
        /** Levels 1 and up (index level - 1); null for a node of one level. */
        private Node[] forward;
        private int[] span;
        private Node backward;

        Node(byte[] member, double score, int level) {
            this.member = member;
            this.score = score;
            if (level > 1) {
                this.forward = new Node[level - 1];
                this.span = new int[level - 1];
            }
        }

        private Node fwd(int i) {
            return i == 0 ? next0 : forward[i - 1];
        }

        private void setFwd(int i, Node n) {
            if (i == 0) {
                next0 = n;
            } else {
                forward[i - 1] = n;
            }
        }

        private int span(int i) {
            return i == 0 ? span0 : span[i - 1];
        }

        private void setSpan(int i, int s) {
            if (i == 0) {
                span0 = s;
            } else {
                span[i - 1] = s;
            }
        }

        private int levels() {
            return forward == null ? 1 : forward.length + 1;
        }

        public byte[] member() {
            return member;
        }

        public double score() {
            return score;
        }

        /** The next element in ascending order, or null. */
        public Node next() {
            return next0;
        }

        /** The previous element in ascending order, or null. */
        public Node prev() {
            return backward;
        }
    }

    /** A property that holds for a (possibly empty) prefix of the list and nowhere after it. */
    @FunctionalInterface
    public interface Prefix {
        boolean holds(Node n);
    }

    private final Node header = new Node(null, 0, HEADER_LEVELS);
    private Node tail;
    private int length;
    private int level = 1;
    private long levelState = 0x9E3779B97F4A7C15L;

    public int length() {
        return length;
    }

    public Node first() {
        return header.fwd(0);
    }

    public Node last() {
        return tail;
    }

    /** Ascending order of (score, member), Redis's comparison. */
    public static int compare(double s1, byte[] m1, double s2, byte[] m2) {
        if (s1 < s2) {
            return -1;
        }
        if (s1 > s2) {
            return 1;
        }
        return Arrays.compareUnsigned(m1, m2);
    }

    private static boolean before(Node n, double score, byte[] member) {
        return n.score < score || (n.score == score && Arrays.compareUnsigned(n.member, member) < 0);
    }

    /** A level in 1..MAX_LEVEL, P(level > k) = 4^-k, from the list's own xorshift generator. */
    private int randomLevel() {
        int lvl = 1;
        while (lvl < MAX_LEVEL) {
            long x = levelState;
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            levelState = x;
            if ((x & 3) != 0) {
                break;
            }
            lvl++;
        }
        return lvl;
    }

    /** Inserts an element that is not in the list (the caller checks its dictionary). */
    public Node insert(double score, byte[] member) {
        // The level is drawn first (the draws follow one another as before: one per insert) so
        // that the paths are as long as they need to be, not MAX_LEVEL (garbage per insert).
        int lvl = randomLevel();
        int levels = Math.max(level, lvl);
        if (levels > header.levels()) {
            int n = Math.min(MAX_LEVEL, Math.max(levels, header.levels() * 2));
            header.forward = Arrays.copyOf(header.forward, n - 1);
            header.span = Arrays.copyOf(header.span, n - 1);
        }
        Node[] update = new Node[levels];
        int[] rank = new int[levels];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            rank[i] = i == level - 1 ? 0 : rank[i + 1];
            while (x.fwd(i) != null && before(x.fwd(i), score, member)) {
                rank[i] += x.span(i);
                x = x.fwd(i);
            }
            update[i] = x;
        }
        if (lvl > level) {
            for (int i = level; i < lvl; i++) {
                rank[i] = 0;
                update[i] = header;
                header.setSpan(i, length);
            }
            level = lvl;
        }
        Node n = new Node(member, score, lvl);
        for (int i = 0; i < lvl; i++) {
            n.setFwd(i, update[i].fwd(i));
            update[i].setFwd(i, n);
            n.setSpan(i, update[i].span(i) - (rank[0] - rank[i]));
            update[i].setSpan(i, (rank[0] - rank[i]) + 1);
        }
        for (int i = lvl; i < level; i++) {
            update[i].setSpan(i, update[i].span(i) + 1);
        }
        n.backward = update[0] == header ? null : update[0];
        if (n.fwd(0) != null) {
            n.fwd(0).backward = n;
        } else {
            tail = n;
        }
        length++;
        return n;
    }

    private void unlink(Node x, Node[] update) {
        for (int i = 0; i < level; i++) {
            if (update[i].fwd(i) == x) {
                update[i].setSpan(i, update[i].span(i) + x.span(i) - 1);
                update[i].setFwd(i, x.fwd(i));
            } else {
                update[i].setSpan(i, update[i].span(i) - 1);
            }
        }
        if (x.fwd(0) != null) {
            x.fwd(0).backward = x.backward;
        } else {
            tail = x.backward;
        }
        while (level > 1 && header.fwd(level - 1) == null) {
            level--;
        }
        length--;
    }

    /** The predecessors of (score, member) on every level. */
    private Node[] path(double score, byte[] member) {
        Node[] update = new Node[level];
        Node x = header;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && before(x.fwd(i), score, member)) {
                x = x.fwd(i);
            }
            update[i] = x;
        }
        return update;
    }

    /** Removes the element (score, member); returns its node, or null when absent. */
    public Node delete(double score, byte[] member) {
        Node[] update = path(score, member);
        Node x = update[0].fwd(0);
        if (x != null && x.score == score && Arrays.equals(x.member, member)) {
            unlink(x, update);
            return x;
        }
        return null;
    }

    /**
     * Gives {@code node} (which must be in the list) a new score. The node stays where it is
     * when the order allows, as Redis's zslUpdateScore; otherwise it is replaced by a new node,
     * which is returned (the caller's dictionary must point to it).
     */
    public Node updateScore(Node node, double newScore) {
        Node[] update = path(node.score, node.member);
        Node x = update[0].fwd(0);
        if (x != node) {
            throw new IllegalStateException("node not in the list");
        }
        if ((x.backward == null || x.backward.score < newScore)
                && (x.fwd(0) == null || x.fwd(0).score > newScore)) {
            x.score = newScore;
            return x;
        }
        unlink(x, update);
        return insert(newScore, x.member);
    }

    /** Gives {@code n} a score equal to its own (0.0 for -0.0): the order cannot change. */
    public void replaceEqualScore(Node n, double same) {
        if (same != n.score) {
            throw new IllegalArgumentException("not an equal score");
        }
        n.score = same;
    }

    /** The 1-based rank of (score, member), 0 when absent. */
    public int rank(double score, byte[] member) {
        Node x = header;
        int rank = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && (before(x.fwd(i), score, member)
                    || (x.fwd(i).score == score && Arrays.equals(x.fwd(i).member, member)))) {
                rank += x.span(i);
                x = x.fwd(i);
            }
            if (x != header && x.score == score && Arrays.equals(x.member, member)) {
                return rank;
            }
        }
        return 0;
    }

    /** The element of 1-based rank {@code rank}, or null when out of range. */
    public Node byRank(int rank) {
        if (rank < 1 || rank > length) {
            return null;
        }
        Node x = header;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && traversed + x.span(i) <= rank) {
                traversed += x.span(i);
                x = x.fwd(i);
            }
            if (traversed == rank) {
                return x;
            }
        }
        return null;
    }

    /**
     * How many leading elements satisfy {@code p}, which must hold on a prefix of the list
     * ("score below the range's minimum", "member at most the range's maximum"...).
     * O(log n): the range bounds of ZCOUNT, ZRANGEBYSCORE, ZREMRANGEBYLEX... are two of these.
     */
    public int countPrefix(Prefix p) {
        Node x = header;
        int count = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && p.holds(x.fwd(i))) {
                count += x.span(i);
                x = x.fwd(i);
            }
        }
        return count;
    }

    /** Removes the elements of 1-based ranks start..end (inclusive), passing each to {@code removed}. */
    public void deleteRankRange(int start, int end, Consumer<Node> removed) {
        Node[] update = new Node[level];
        Node x = header;
        int traversed = 0;
        for (int i = level - 1; i >= 0; i--) {
            while (x.fwd(i) != null && traversed + x.span(i) < start) {
                traversed += x.span(i);
                x = x.fwd(i);
            }
            update[i] = x;
        }
        traversed++;
        x = x.fwd(0);
        while (x != null && traversed <= end) {
            Node next = x.fwd(0);
            unlink(x, update);
            removed.accept(x);
            traversed++;
            x = next;
        }
    }
}
