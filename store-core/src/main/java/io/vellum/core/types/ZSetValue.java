package io.vellum.core.types;

import com.google.protobuf.UnsafeByteOperations;
import io.vellum.core.config.StoreConfig;
import io.vellum.core.data.OrderedDict;
import io.vellum.core.data.ZRange;
import io.vellum.core.data.ZSkipList;
import io.vellum.core.data.ZSkipList.Node;
import io.vellum.core.keyspace.RedisDigest;
import io.vellum.core.types.proto.StoredValue;
import io.vellum.core.types.proto.ZSetData;
import io.vellum.core.util.Doubles;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A sorted set: a member dictionary ({@link OrderedDict}, member to its node, O(1) lookup)
 * and an order-statistic skip list ({@link ZSkipList}, O(log n) rank, lookup by rank and
 * range bounds), for both of Redis's encodings. The encoding is what Redis would report:
 *
 * <ul>
 *   <li><b>listpack</b> while at most zset-max-listpack-entries members of at most
 *       zset-max-listpack-value bytes. Like Redis's listpack, which stores an integral score
 *       as an integer, it keeps a score of -0 as 0. ZSCAN returns everything at once, in
 *       score order, scores as stored (d2string).
 *   <li><b>skiplist</b> beyond, never back. ZSCAN walks the dictionary with sequence-number
 *       cursors; scores print as "%.17g", as Redis's scanCallback prints them.
 * </ul>
 *
 * The dictionary's insertion order is the ZSCAN order of a skiplist-encoded set; on
 * conversion it is rebuilt in score order (the listpack's order), then members are
 * appended as they come.
 *
 * <p>Engine thread only.
 */
public final class ZSetValue extends Value {
    /** zsetAdd's input flags. */
    public static final int IN_INCR = 1;
    public static final int IN_NX = 2;
    public static final int IN_XX = 4;
    public static final int IN_GT = 8;
    public static final int IN_LT = 16;
    /** zsetAdd's output flags. */
    public static final int OUT_NAN = 1;
    public static final int OUT_ADDED = 2;
    public static final int OUT_UPDATED = 4;
    public static final int OUT_NOP = 8;

    /** The encoding thresholds in force for one command. */
    public record Limits(long entries, long value) {
        public static Limits of(StoreConfig c) {
            return new Limits(c.zsetMaxListpackEntries.get(), c.zsetMaxListpackValue.get());
        }
    }

    private OrderedDict<Node> dict;
    private final ZSkipList list;
    private boolean listpack;

    private ZSetValue(OrderedDict<Node> dict, ZSkipList list, boolean listpack) {
        this.dict = dict;
        this.list = list;
        this.listpack = listpack;
    }

    /** Redis's zsetTypeCreate for about {@code sizeHint} members of about {@code valueLenHint} bytes. */
    public static ZSetValue create(long sizeHint, long valueLenHint, Limits l) {
        boolean lp = sizeHint <= l.entries() && valueLenHint <= l.value();
        return new ZSetValue(new OrderedDict<>(lp ? 4 : (int) Math.min(sizeHint, 1 << 20)), new ZSkipList(), lp);
    }

    /** An empty skiplist-encoded set, to be finished with {@link #convertToListpackIfNeeded}. */
    public static ZSetValue newSkiplist() {
        return new ZSetValue(new OrderedDict<>(), new ZSkipList(), false);
    }

    /** Redis's zsetTypeMaybeConvert: to skiplist now when {@code sizeHint} adds will not fit. */
    public void maybeConvert(long sizeHint, Limits l) {
        if (listpack && sizeHint > l.entries()) {
            toSkiplist();
        }
    }

    /** Redis's zsetConvertToListpackIfNeeded, for a freshly built result. */
    public void convertToListpackIfNeeded(long maxMemberLength, Limits l) {
        if (!listpack && list.length() <= l.entries() && maxMemberLength <= l.value()) {
            listpack = true;
            for (Node n = list.first(); n != null; n = n.next()) {
                if (n.score() == 0) {
                    list.replaceEqualScore(n, 0.0);
                }
            }
        }
    }

    private void toSkiplist() {
        listpack = false;
        OrderedDict<Node> d = new OrderedDict<>(list.length() + 1);
        for (Node n = list.first(); n != null; n = n.next()) {
            d.put(n.member(), n);
        }
        dict = d;
    }

    /** The member dictionary (null for an intset), for {@link StoredValueWriter}. */
    OrderedDict<Node> dict() {
        return dict;
    }

    public boolean isListpack() {
        return listpack;
    }

    public int size() {
        return list.length();
    }

    public boolean isEmpty() {
        return list.length() == 0;
    }

    /** The member's score, or NaN when it is not a member (no stored score is NaN). */
    public double score(byte[] member) {
        Node n = dict.get(member);
        return n == null ? Double.NaN : n.score();
    }

    /** Redis's zsetAdd: the OUT_* flags; {@code newScore[0]} gets the resulting score. */
    public int add(double score, byte[] member, int in, double[] newScore, Limits l) {
        if (Double.isNaN(score)) {
            return OUT_NAN;
        }
        int e = dict.indexOf(member);
        if (e >= 0) {
            if ((in & IN_NX) != 0) {
                return OUT_NOP;
            }
            Node n = dict.valueAt(e);
            double cur = n.score();
            if ((in & IN_INCR) != 0) {
                score += cur;
                if (Double.isNaN(score)) {
                    return OUT_NAN;
                }
            }
            if (((in & IN_LT) != 0 && score >= cur) || ((in & IN_GT) != 0 && score <= cur)) {
                return OUT_NOP;
            }
            newScore[0] = score;
            if (score != cur) {
                Node moved = list.updateScore(n, stored(score));
                if (moved != n) {
                    dict.setValueAt(e, moved);
                }
                return OUT_UPDATED;
            }
            return 0;
        }
        if ((in & IN_XX) != 0) {
            return OUT_NOP;
        }
        if (listpack && (list.length() + 1 > l.entries() || member.length > l.value())) {
            toSkiplist();
        }
        dict.put(member, list.insert(stored(score), member));
        newScore[0] = score;
        return OUT_ADDED;
    }

    /** A listpack stores an integral score as an integer: -0 comes back as 0. */
    private double stored(double score) {
        return listpack && score == 0 ? 0.0 : score;
    }

    /** Adds a member known to be absent (results being built); no encoding checks. */
    public void insertNew(byte[] member, double score) {
        dict.put(member, list.insert(stored(score), member));
    }

    /** Removes {@code member}; false when it was not a member. */
    public boolean remove(byte[] member) {
        Node n = dict.remove(member);
        if (n == null) {
            return false;
        }
        list.delete(n.score(), n.member());
        return true;
    }

    /** The 0-based rank of {@code member} (from the highest score when {@code reverse}), or -1. */
    public long rank(byte[] member, boolean reverse) {
        Node n = dict.get(member);
        if (n == null) {
            return -1;
        }
        int r = list.rank(n.score(), n.member());
        return reverse ? list.length() - r : r - 1;
    }

    /** The element at 0-based rank {@code rank} in ascending order, or null. */
    public Node byRank(long rank) {
        return rank < 0 || rank >= list.length() ? null : list.byRank((int) rank + 1);
    }

    public Node first() {
        return list.first();
    }

    public Node last() {
        return list.last();
    }

    /** How many elements lie below the range (the 0-based rank of its first element). */
    public int countBelow(ZRange.Score r) {
        return list.countPrefix(n -> !r.gteMin(n.score()));
    }

    /** How many elements lie below or in the range (one past the rank of its last element). */
    public int countThrough(ZRange.Score r) {
        return list.countPrefix(n -> r.lteMax(n.score()));
    }

    public int countBelow(ZRange.Lex r) {
        return list.countPrefix(n -> !r.gteMin(n.member()));
    }

    public int countThrough(ZRange.Lex r) {
        return list.countPrefix(n -> r.lteMax(n.member()));
    }

    /**
     * The first element of a lex range as Redis finds it: a listpack walks from its first
     * member (zzlFirstInLexRange), a skiplist descends its levels (zslFirstInLexRange); the
     * element must also be at most the maximum. Null when none. For members of one score
     * both are the range's first element; when scores differ the listpack's answer is its
     * walk's (O(n), n bounded by zset-max-listpack-entries) and the skiplist's depends on
     * levels in Redis (unspecified), here on rank arithmetic.
     */
    public Node firstInLex(ZRange.Lex r) {
        if (!mayHoldLex(r)) {
            return null;
        }
        if (!listpack) {
            Node n = byRank(countBelow(r));
            return n != null && r.lteMax(n.member()) ? n : null;
        }
        for (Node n = list.first(); n != null; n = n.next()) {
            if (r.gteMin(n.member())) {
                return r.lteMax(n.member()) ? n : null;
            }
        }
        return null;
    }

    /** The last element of a lex range (zzlLastInLexRange, zslLastInLexRange), or null. */
    public Node lastInLex(ZRange.Lex r) {
        if (!mayHoldLex(r)) {
            return null;
        }
        if (!listpack) {
            Node n = byRank(countThrough(r) - 1);
            return n != null && r.gteMin(n.member()) ? n : null;
        }
        for (Node n = list.last(); n != null; n = n.prev()) {
            if (r.lteMax(n.member())) {
                return r.gteMin(n.member()) ? n : null;
            }
        }
        return null;
    }

    /** zzlIsInLexRange: the range is not empty, the last member is at least min, the first at most max. */
    private boolean mayHoldLex(ZRange.Lex r) {
        return !r.isEmpty() && list.length() > 0 && r.gteMin(list.last().member()) && r.lteMax(list.first().member());
    }

    /** Removes the elements of 0-based ranks {@code start..end} (inclusive); returns how many. */
    public int removeRange(int start, int end) {
        int[] removed = {0};
        list.deleteRankRange(start + 1, end + 1, n -> {
            dict.remove(n.member());
            removed[0]++;
        });
        return removed[0];
    }

    /** A uniformly chosen element (the set must not be empty). */
    public Node randomNode(RandomGenerator random) {
        if (listpack) {
            return list.byRank(random.nextInt(list.length()) + 1);
        }
        return dict.valueAt(dict.randomEntry(random));
    }

    /** Visits the elements in dictionary order (the order ZSCAN of a skiplist walks). */
    public long scan(long cursor, long count, Consumer<Node> visitor) {
        return dict.scan(cursor, count, (k, n) -> visitor.accept(n));
    }

    // ------------------------------------------------------------------ Value

    @Override
    public ValueType type() {
        return ValueType.ZSET;
    }

    @Override
    public String encoding() {
        return listpack ? "listpack" : "skiplist";
    }

    @Override
    public Value copy() {
        ZSetValue c = new ZSetValue(new OrderedDict<>(dict.size()), new ZSkipList(), listpack);
        for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
            Node n = dict.valueAt(e);
            c.dict.insertWithSeq(n.member(), c.list.insert(n.score(), n.member()), dict.seqAt(e));
        }
        c.dict.advanceNextSeq(dict.nextSeq());
        return c;
    }

    /**
     * xorObjectDigest for sorted sets: for each element SHA1-mix the member then the score as
     * 7.2's fpconv_dtoa prints it, and XOR the element digests.
     */
    @Override
    public void mixDigest(byte[] digest) {
        for (Node n = list.first(); n != null; n = n.next()) {
            byte[] ele = new byte[20];
            RedisDigest.mix(ele, n.member());
            RedisDigest.mix(ele, Doubles.fpconv(n.score()).getBytes(StandardCharsets.ISO_8859_1));
            RedisDigest.xor(digest, ele);
        }
    }

    @Override
    public StoredValue toProto() {
        ZSetData.Builder b = ZSetData.newBuilder().setEncoding(encoding());
        long prev = 0;
        for (int e = dict.firstEntry(); e >= 0; e = dict.nextEntry(e + 1)) {
            Node n = dict.valueAt(e);
            b.addMember(UnsafeByteOperations.unsafeWrap(n.member()));
            b.addScore(n.score());
            b.addSeqDelta(dict.seqAt(e) - prev);
            prev = dict.seqAt(e);
        }
        b.setNextSeq(dict.nextSeq());
        return StoredValue.newBuilder().setZset(b).build();
    }

    /** The sorted set a stored message holds; IllegalArgumentException when it is not valid. */
    static ZSetValue fromProto(ZSetData d) {
        byte[][] members = new byte[d.getMemberCount()][];
        for (int i = 0; i < members.length; i++) {
            members[i] = d.getMember(i).toByteArray();
        }
        double[] scores = new double[d.getScoreCount()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = d.getScore(i);
        }
        long[] deltas = new long[d.getSeqDeltaCount()];
        for (int i = 0; i < deltas.length; i++) {
            deltas[i] = d.getSeqDelta(i);
        }
        return fromParts(members, members.length, scores, scores.length, deltas, deltas.length, d.getNextSeq(),
                d.getEncoding());
    }

    /**
     * The sorted set ZSetData's fields describe (the first {@code n*} items of each array; the
     * byte arrays become the set's own); IllegalArgumentException when it is not valid.
     */
    static ZSetValue fromParts(byte[][] members, int nMembers, double[] scores, int nScores, long[] seqDeltas, int nDeltas,
            long nextSeq, String encoding) {
        boolean lp;
        switch (encoding) {
            case "listpack" -> lp = true;
            case "skiplist" -> lp = false;
            default -> throw new IllegalArgumentException("unknown sorted set encoding '" + encoding + "'");
        }
        int count = nMembers;
        if (nScores != count || nDeltas != count) {
            throw new IllegalArgumentException("sorted set members, scores and sequence numbers differ in count");
        }
        ZSetValue z = new ZSetValue(new OrderedDict<>(count), new ZSkipList(), lp);
        long seq = 0;
        for (int i = 0; i < count; i++) {
            double score = scores[i];
            if (Double.isNaN(score)) {
                throw new IllegalArgumentException("sorted set score is NaN");
            }
            byte[] member = members[i];
            seq += seqDeltas[i];
            if (z.dict.containsKey(member)) {
                throw new IllegalArgumentException("duplicate sorted set member");
            }
            z.dict.insertWithSeq(member, z.list.insert(z.stored(score), member), seq);
        }
        z.dict.advanceNextSeq(nextSeq);
        return z;
    }
}
